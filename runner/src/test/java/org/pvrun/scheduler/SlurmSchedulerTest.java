package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pvrun.scheduler.JobState.CANCELLED;
import static org.pvrun.scheduler.JobState.COMPLETED;
import static org.pvrun.scheduler.JobState.FAILED;
import static org.pvrun.scheduler.JobState.PENDING;
import static org.pvrun.scheduler.JobState.RUNNING;
import static org.pvrun.scheduler.JobState.TIMEOUT;
import static org.pvrun.scheduler.JobState.UNKNOWN;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Slurm commands and parsers, over output captured from Slurm 22.05.8 (see scheduler-output/README.md). */
class SlurmSchedulerTest {
    private final SlurmScheduler slurm = new SlurmScheduler();

    static String sample(String name) throws IOException {
        try (InputStream in = SlurmSchedulerTest.class.getResourceAsStream("/scheduler-output/" + name)) {
            if (in == null) {
                throw new IOException("missing sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Stream<Arguments> squeueSamples() {
        Map<String, JobState> running = Map.of("4", CANCELLED, "3", FAILED, "2_2", PENDING, "2_3", PENDING,
                "1", RUNNING, "2_0", RUNNING, "2_1", RUNNING);
        return Stream.of(
                Arguments.of("slurm/squeue-array-running.txt", running),
                Arguments.of("slurm/squeue-collapsed-running.txt", running),
                Arguments.of("slurm/squeue-array-finished.txt", Map.of("4", CANCELLED, "1", COMPLETED,
                        "2_0", COMPLETED, "2_1", COMPLETED, "2_2", COMPLETED, "2_3", COMPLETED, "3", FAILED,
                        "11", TIMEOUT)),
                Arguments.of("slurm/squeue-pending-reasons.txt", withReasons),
                Arguments.of("slurm/squeue-pending-reasons-collapsed.txt", withReasons));
    }

    private static final Map<String, JobState> withReasons = Map.ofEntries(Map.entry("163_1", COMPLETED),
            Map.entry("163_0", FAILED), Map.entry("184_4", PENDING), Map.entry("184_5", PENDING),
            Map.entry("185", PENDING), Map.entry("186", PENDING), Map.entry("184_0", RUNNING),
            Map.entry("184_1", RUNNING), Map.entry("184_2", RUNNING), Map.entry("184_3", RUNNING),
            Map.entry("166_0", TIMEOUT));

    /** The {@code %r} of pending jobs only: {@code None} and the reasons of ended jobs (NonZeroExitCode) are none. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"slurm/squeue-pending-reasons.txt", "slurm/squeue-pending-reasons-collapsed.txt"})
    void parsesCapturedPendingReasons(String file) throws IOException {
        assertEquals(Map.of("184_4", "JobArrayTaskLimit", "184_5", "JobArrayTaskLimit", "185", "BeginTime",
                "186", "JobHeldUser"), slurm.parsePendingReasons(sample(file)));
    }

    /** Reasons after https://slurm.schedmd.com/job_reason_codes.html; the old two-column output has none. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            7 PD Priority                                  | 7   | Priority
            7 PD Resources                                 | 7   | Resources
            5_[2-3%2] PD Resources                         | 5_3 | Resources
            7 PD ReqNodeNotAvail, UnavailableNodes:node1   | 7   | ReqNodeNotAvail
            7 PD (Resources)                               | 7   | Resources
            7 PD None                                      | 7   |
            7 PD                                           | 7   |
            7 R None                                       | 7   |
            7 CD NonZeroExitCode                           | 7   |
            """)
    void pendingReasons(String line, String id, String reason) {
        assertEquals(reason, slurm.parsePendingReasons(line + "\n").get(id));
        assertEquals(line.contains(" PD") ? PENDING : line.contains(" R ") ? RUNNING : line.contains(" CD ") ? COMPLETED
                : null, slurm.parseStatus(line + "\n").get(id));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("squeueSamples")
    void parsesCapturedSqueue(String file, Map<String, JobState> expected) throws IOException {
        assertEquals(expected, slurm.parseStatus(sample(file)));
    }

    @Test
    void findsTheJobThatRunsAScript() throws IOException {
        String out = sample("slurm/squeue-job-scripts.txt");
        assertEquals("433", slurm.parseJobScripts(out,
                "/tmp/junit-1782400633239173788/local-slurm-work/faults-submit/20261126-101419-44747c/jobs/r1/job.sh"));
        assertEquals("411", slurm.parseJobScripts(out,
                "/tmp/pvrun-bench/sweep-load/slurm-work/bench-load-4/20261126-101053-4bbe8d/jobs/r1/job.sh"));
        assertEquals(null, slurm.parseJobScripts(out, "/tmp/pvrun-bench/sweep-load/slurm-work/bench-load-4/jobs/r1/job.sh"));
        assertEquals(null, slurm.parseJobScripts("", "/x/job.sh"));
        assertEquals(List.of("squeue", "--me", "--noheader", "--states=all", "--format=%F|%o"), slurm.jobScriptsCommand());
    }

    @Test
    void expandsCollapsedRangesWithListsStepsAndThrottle() {
        assertEquals(Map.of("5_1", PENDING, "5_3", PENDING, "5_5", PENDING, "5_9", PENDING, "7+0", RUNNING),
                slurm.parseStatus("5_[1,3-5:2,9%4] PD\n7+0 R\nnot a status line at all\n\n"));
        assertEquals(Map.of(), slurm.parseStatus(""));
    }

    /** A queue (maybe empty, maybe with a stray line) or not one at all: a wrapper's garbage, a message on stdout. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                                              | true
            "\\n"                                            | true
            "7 R None node1\\n"                              | true
            "garbage\\n7_1 PD Priority\\n"                    | true
            "garbage ### not a queue\\n"                     | false
            "slurm_load_jobs error: Socket timed out\\n"     | false
            "<html>proxy error</html>"                       | false
            """)
    void tellsAQueueFromGarbage(String stdout, boolean queue) {
        assertEquals(queue, slurm.isQueue(stdout.replace("\\n", "\n")), stdout);
    }

    /** Every code of https://slurm.schedmd.com/squeue.html#SECTION_JOB-STATE-CODES, and one unknown. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PD,PENDING", "R,RUNNING", "CG,RUNNING", "CD,COMPLETED", "F,FAILED", "CA,CANCELLED", "TO,TIMEOUT",
            "NF,FAILED", "OOM,FAILED", "PR,FAILED", "BF,FAILED", "DL,TIMEOUT", "RQ,PENDING", "RS,RUNNING",
            "RV,UNKNOWN", "RD,PENDING", "RF,PENDING", "RH,PENDING", "SE,FAILED", "SI,RUNNING", "SO,RUNNING",
            "ST,RUNNING", "S,RUNNING", "CF,PENDING", "XX,UNKNOWN"})
    void mapsEveryStateCode(String code, JobState state) {
        assertEquals(Map.of("42", state), slurm.parseStatus("42 " + code + "\n"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            12345                    | 12345
            12345;cluster2           | 12345
            Submitted batch job 77   | 77
            """)
    void parsesJobIds(String stdout, String id) {
        assertEquals(id, slurm.parseJobId(stdout + "\n"));
    }

    @Test
    void parsesCapturedSbatchOutputAndRejectsErrors() throws IOException {
        assertEquals("1", slurm.parseJobId(sample("slurm/sbatch-parsable.txt")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> slurm.parseJobId("sbatch: error: Batch job submission failed: Invalid account\n"));
        assertEquals("no job id in the output of sbatch --parsable:\n"
                + "    sbatch: error: Batch job submission failed: Invalid account", e.getMessage());
    }

    static Stream<Arguments> scontrolSamples() {
        return Stream.of(
                Arguments.of("slurm/scontrol-plain-running.txt", Map.of("1", new JobRecord(RUNNING, 0, 0))),
                Arguments.of("slurm/scontrol-plain-completed.txt", Map.of("1", new JobRecord(COMPLETED, 0, 0))),
                Arguments.of("slurm/scontrol-failed.txt", Map.of("3", new JobRecord(FAILED, 3, 0))),
                Arguments.of("slurm/scontrol-cancelled.txt", Map.of("4", new JobRecord(CANCELLED, 0, 15))),
                Arguments.of("slurm/scontrol-timeout.txt", Map.of("11", new JobRecord(TIMEOUT, 0, 15))),
                Arguments.of("slurm/scontrol-array.txt", Map.of(
                        "2_2", new JobRecord(PENDING, 0, 0), "2_3", new JobRecord(PENDING, 0, 0),
                        "2_1", new JobRecord(RUNNING, 0, 0), "2_0", new JobRecord(RUNNING, 0, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scontrolSamples")
    void parsesCapturedScontrol(String file, Map<String, JobRecord> expected) throws IOException {
        assertEquals(expected, slurm.parseShowJob(sample(file)));
    }

    @Test
    void parsesDocumentedSacct() throws IOException {
        assertEquals(Map.of(
                        "7", new JobRecord(COMPLETED, 0, 0),
                        "8", new JobRecord(FAILED, 3, 0),
                        "9", new JobRecord(CANCELLED, 0, 15),
                        "10", new JobRecord(TIMEOUT, 0, 15),
                        "11", new JobRecord(FAILED, 0, 125),
                        "12_0", new JobRecord(COMPLETED, 0, 0),
                        "12_1", new JobRecord(FAILED, 1, 0),
                        "12_2", new JobRecord(PENDING, 0, 0),
                        "12_3", new JobRecord(PENDING, 0, 0),
                        "13", new JobRecord(RUNNING, 0, 0)),
                slurm.parseAccounting(sample("slurm/sacct-documented.txt")));
        assertEquals(Map.of("7", new JobRecord(UNKNOWN, -1, 0)), slurm.parseAccounting("7|WEIRD|n/a\n"));
    }

    @Test
    void buildsCommands() {
        assertEquals(List.of("sbatch", "--parsable", "/s/job.sh"), slurm.submitCommand("/s/job.sh"));
        assertEquals(List.of("squeue", "--me", "--noheader", "--array", "--states=all", "--format=%i %t %r %N"),
                slurm.statusCommand(List.of("1", "2")));
        assertEquals(List.of("scancel", "1", "2_3"), slurm.cancelCommand(List.of("1", "2_3")));
        assertEquals(List.of("sacct", "--noheader", "--parsable2", "--allocations", "--jobs=1,2",
                "--format=JobID,State,ExitCode"), slurm.accountingCommand(List.of("1", "2")));
        assertEquals(List.of("scontrol", "show", "job", "2"), slurm.showJobCommand("2"));
        assertEquals("2_3", slurm.elementId("2", 3, 4));
        assertEquals("2", slurm.elementId("2", 0, 1));
    }

    @Test
    void directivesAreValidatedAndNamed() {
        JobSpec ok = JobSpecs.plain("/r", "/r/jobs", Map.of());
        assertTrue(slurm.renderJobScript(ok).contains("#SBATCH --output=/r/jobs/job-0.out\n"));

        assertEquals("resource 'partition' must be a name of letters, digits and _.@+-, got 'debug\\n#SBATCH --uid=0'",
                assertThrows(IllegalArgumentException.class, () -> slurm.renderJobScript(
                        JobSpecs.plain("/r", "/r/jobs", Map.of("partition", "debug\n#SBATCH --uid=0")))).getMessage());
        assertEquals("unknown resource 'gres': supported are account, memory, nodes, partition, qos, time",
                assertThrows(IllegalArgumentException.class, () -> slurm.renderJobScript(
                        JobSpecs.plain("/r", "/r/jobs", Map.of("gres", "gpu:1")))).getMessage());
        assertEquals("resource 'time' must be H:MM:SS, e.g. 02:30:00, got '90'",
                assertThrows(IllegalArgumentException.class, () -> slurm.renderJobScript(
                        JobSpecs.plain("/r", "/r/jobs", Map.of("time", "90")))).getMessage());
        assertEquals("resource 'nodes' must be a positive whole number, got '0'",
                assertThrows(IllegalArgumentException.class, () -> slurm.renderJobScript(
                        JobSpecs.plain("/r", "/r/jobs", Map.of("nodes", "0")))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> slurm.renderJobScript(
                JobSpecs.plain("/r", "/r/my jobs", Map.of()))).getMessage().startsWith("jobDir '/r/my jobs' cannot go"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> slurm.renderJobScript(
                JobSpecs.plain("/r/100%", "/r/jobs", Map.of()))).getMessage().startsWith("runDir '/r/100%' cannot go"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"4G,--mem=4G", "512,--mem=512M", "2 GB,--mem=2G", "1t,--mem=1T", "100KB,--mem=100K"})
    void normalisesMemory(String memory, String directive) {
        String script = slurm.renderJobScript(JobSpecs.plain("/r", "/r/jobs", Map.of("memory", memory)));
        assertTrue(script.contains("#SBATCH " + directive + "\n"), script);
    }

    @Test
    void arrayLimitFromTheConfiguration() throws IOException {
        assertEquals(List.of("scontrol", "show", "config"), slurm.arrayLimitCommand());
        assertEquals(1001, slurm.parseArrayLimit(sample("slurm/scontrol-show-config.txt")));
        assertEquals(1, slurm.parseArrayLimit("MaxArraySize            = 0\n"), "0: no arrays, every job on its own");
        assertEquals(Integer.MAX_VALUE, slurm.parseArrayLimit("MaxArraySize = 99999999999\n"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> slurm.parseArrayLimit("scontrol: error: Unable to contact slurm controller\n"));
        assertTrue(e.getMessage().contains("no MaxArraySize in the output of scontrol show config"), e.getMessage());
    }

    /** Captured 2026-12-02: job 13 ran on node2, whose processes were all killed; 50 s later Slurm said NF. */
    @Test
    void endedJobsInSlurmsWordsWithTheirNode() throws IOException {
        String out = sample("slurm/squeue-node-fail.txt");
        assertEquals(Map.of("13", "NODE_FAIL on node2", "8_497", "CANCELLED"), slurm.parseEndDetails(out));
        assertEquals(JobState.FAILED, slurm.parseStatus(out).get("13"));
        assertEquals(Map.of(), slurm.parsePendingReasons(out), "no job pending");
        assertEquals(Map.of("9", "Priority", "10", "ReqNodeNotAvail"), slurm.parsePendingReasons(
                "9 PD Priority \n10 PD ReqNodeNotAvail, UnavailableNodes:node2 \n11 CF None node1\n"),
                "the nodes column after the reason is not part of it");
    }
}
