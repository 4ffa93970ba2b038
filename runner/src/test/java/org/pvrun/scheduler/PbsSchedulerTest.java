package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pvrun.scheduler.JobState.COMPLETED;
import static org.pvrun.scheduler.JobState.FAILED;
import static org.pvrun.scheduler.JobState.PENDING;
import static org.pvrun.scheduler.JobState.RUNNING;
import static org.pvrun.scheduler.JobState.UNKNOWN;
import static org.pvrun.scheduler.SlurmSchedulerTest.sample;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PBS Pro commands and parsers, over output written after the documented format (no PBS server here). */
class PbsSchedulerTest {
    private final PbsScheduler pbs = new PbsScheduler();

    @Test
    void parsesDocumentedQstatJson() throws IOException {
        Map<String, JobState> expected = Map.ofEntries(
                Map.entry("1234.pbs-server", COMPLETED),
                Map.entry("1235[].pbs-server", RUNNING),
                Map.entry("1235[0].pbs-server", COMPLETED),
                Map.entry("1235[1].pbs-server", FAILED),
                Map.entry("1235[2].pbs-server", COMPLETED),
                Map.entry("1235[3].pbs-server", RUNNING),
                Map.entry("1235[4].pbs-server", PENDING),
                Map.entry("1236.pbs-server", PENDING),
                Map.entry("1237.pbs-server", RUNNING),
                Map.entry("1238.pbs-server", FAILED));
        assertEquals(expected, pbs.parseStatus(sample("pbs/qstat-f-json.json")));
    }

    /** Every state letter of qstat(1B); F and X depend on Exit_status. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"B,RUNNING", "E,RUNNING", "H,PENDING", "M,UNKNOWN", "Q,PENDING", "R,RUNNING", "S,RUNNING",
            "T,PENDING", "U,RUNNING", "W,PENDING", "F,COMPLETED", "X,COMPLETED", "Z,UNKNOWN"})
    void mapsEveryStateLetter(String letter, JobState state) {
        assertEquals(Map.of("1.s", state), pbs.parseStatus("{\"Jobs\":{\"1.s\":{\"job_state\":\"" + letter + "\"}}}"));
    }

    @Test
    void toleratesBlankAndSloppyJsonButNotGarbage() {
        assertEquals(Map.of(), pbs.parseStatus("\n"));
        assertEquals(Map.of(), pbs.parseStatus("{\"timestamp\":1,\"pbs_version\":\"2022.1.3\",\"pbs_server\":\"s\"}"));
        // a raw tab and an invalid escape inside a job's environment, as qstat has been seen to print
        String sloppy = "{\"Jobs\":{\"7.s\":{\"Variable_List\":{\"X\":\"C:\\q\tY\"},\"job_state\":\"R\"}}}";
        assertEquals(Map.of("7.s", RUNNING), pbs.parseStatus(sloppy));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pbs.parseStatus("qstat: cannot connect to server pbs-server (errno=15010)\n"));
        assertTrue(e.getMessage().startsWith("qstat output is not JSON ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(":\n    qstat: cannot connect to server pbs-server (errno=15010)"),
                e.getMessage());
        assertEquals(UNKNOWN, pbs.parseStatus("{\"Jobs\":{\"1.s\":{}}}").get("1.s"));
    }

    @Test
    void parsesDocumentedQsubOutput() throws IOException {
        assertEquals("1234.pbs-server", pbs.parseJobId(sample("pbs/qsub.txt")));
        assertEquals("1235[].pbs-server", pbs.parseJobId(sample("pbs/qsub-array.txt")));
        assertEquals("1236", pbs.parseJobId("1236\n"));
        assertEquals("no job id in the output of qsub:\n    qsub: Unknown queue",
                assertThrows(IllegalArgumentException.class, () -> pbs.parseJobId("qsub: Unknown queue\n"))
                        .getMessage());
    }

    @Test
    void buildsCommands() {
        assertEquals(List.of("qsub", "/s/job.sh"), pbs.submitCommand("/s/job.sh"));
        assertEquals(List.of("qstat", "-f", "-F", "json", "-x", "-t", "1.s", "2[].s"),
                pbs.statusCommand(List.of("1.s", "2[].s")));
        assertEquals(List.of("qdel", "1.s", "2[].s"), pbs.cancelCommand(List.of("1.s", "2[].s")));
        assertEquals("2[3].s", pbs.elementId("2[].s", 3, 4));
        assertEquals("1.s", pbs.elementId("1.s", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> pbs.elementId("1.s", 0, 2));
    }

    @Test
    void arraysNeedTwoElementsAndThrottleOnlyBelowTheSize() {
        assertFalse(pbs.renderJobScript(JobSpecs.array(1, 0)).contains("#PBS -J"));
        assertTrue(pbs.renderJobScript(JobSpecs.array(2, 0)).contains("#PBS -J 0-1\n"));
        assertTrue(pbs.renderJobScript(JobSpecs.array(5, 2)).contains("#PBS -J 0-4%2\n"));
        assertTrue(pbs.renderJobScript(JobSpecs.array(5, 5)).contains("#PBS -J 0-4\n"));
        assertTrue(pbs.renderJobScript(JobSpecs.array(5, 2)).contains("#PBS -o /r/jobs/job-^array_index^.out\n"));
    }

    @Test
    void rejectsQosAndUnsafePaths() {
        assertEquals("resource 'qos' has no PBS equivalent; remove it for a PBS target",
                assertThrows(IllegalArgumentException.class, () -> pbs.renderJobScript(
                        JobSpecs.plain("/r", "/r/jobs", Map.of("qos", "high")))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> pbs.renderJobScript(
                JobSpecs.plain("/r", "/r/host:jobs", Map.of()))).getMessage().startsWith("jobDir '/r/host:jobs'"));
        assertEquals("resource 'account' must be a name of letters, digits and _.@+-, got 'a b'",
                assertThrows(IllegalArgumentException.class, () -> pbs.renderJobScript(
                        JobSpecs.plain("/r", "/r/jobs", Map.of("account", "a b")))).getMessage());
    }

    @Test
    void arrayLimitFromTheServersAttributes() throws IOException {
        assertEquals(2048, pbs.parseArrayLimit(SlurmSchedulerTest.sample("pbs/qmgr-list-server.txt")));
        assertEquals(10000, pbs.parseArrayLimit("Server pbs\n\tserver_state = Active\n"), "unset: PBS's default");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> pbs.parseArrayLimit("qmgr: cannot connect to server\n"));
    }
}
