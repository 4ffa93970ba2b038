package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pvrun.scheduler.JobState.CANCELLED;
import static org.pvrun.scheduler.JobState.FAILED;
import static org.pvrun.scheduler.JobState.PENDING;
import static org.pvrun.scheduler.JobState.RUNNING;
import static org.pvrun.scheduler.JobState.UNKNOWN;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Grid Engine commands and parsers, over output captured from Son of Grid Engine 8.1.9 (scheduler-output/README.md). */
class SgeSchedulerTest {
    private final SgeScheduler sge = new SgeScheduler();

    @Test
    void submitsTerseAndReadsTheJobNumber() throws Exception {
        assertEquals(List.of("qsub", "-terse", "/w/jobs/r1/job.sh"), sge.submitCommand("/w/jobs/r1/job.sh"));
        assertEquals("3", sge.parseJobId(SlurmSchedulerTest.sample("sge/qsub-terse-plain.txt")));
        assertEquals("2", sge.parseJobId(SlurmSchedulerTest.sample("sge/qsub-terse-array.txt")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sge.parseJobId("Unable to run job: denied: host \"x\" is no submit host.\nExiting.\n"));
        assertTrue(e.getMessage().contains("no submit host"), e.getMessage());
    }

    @Test
    void runningAndPendingJobsAndArrayTasks() throws Exception {
        // job 2: array 1-4 with -tc 2, tasks 1 and 2 running, 3 and 4 pending; 3 pending; 4 held
        assertEquals(Map.of("2.1", RUNNING, "2.2", RUNNING, "3", PENDING, "2.3", PENDING, "2.4", PENDING, "4", PENDING),
                sge.parseStatus(SlurmSchedulerTest.sample("sge/qstat-running-pending.xml")));
    }

    @Test
    void deletedTaskAndACollapsedPendingRange() throws Exception {
        // task 3 of job 2 being deleted (dr), 3 running, 5 pending, array 6 pending as 1-3:1, 4 held
        assertEquals(Map.of("2.3", CANCELLED, "3", RUNNING, "5", PENDING, "6.1", PENDING, "6.2", PENDING,
                "6.3", PENDING, "4", PENDING), sge.parseStatus(SlurmSchedulerTest.sample("sge/qstat-deleting.xml")));
    }

    @Test
    void blankIsNothingAndNonXmlIsAnError() {
        assertEquals(Map.of(), sge.parseStatus(" \n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sge.parseStatus("error: commlib error: got select error (Connection refused)\n"));
        assertTrue(e.getMessage().contains("commlib error"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"r, RUNNING", "t, RUNNING", "Rr, RUNNING", "s, RUNNING", "S, RUNNING", "T, RUNNING",
        "qw, PENDING", "hqw, PENDING", "hRwq, PENDING", "Eqw, FAILED", "dr, CANCELLED", "dt, CANCELLED", "x, UNKNOWN"})
    void stateCodes(String code, JobState state) {
        assertEquals(state, SgeScheduler.state(code));
    }

    @Test
    void elementIdsCountTasksFromOne() {
        assertEquals("12.1", sge.elementId("12", 0, 4));
        assertEquals("12.4", sge.elementId("12", 3, 4));
        assertEquals("12", sge.elementId("12", 0, 1));
        assertEquals(List.of(1, 3, 5), SgeScheduler.expandTasks("1-5:2"));
        assertEquals(List.of(3, 4, 7), SgeScheduler.expandTasks("3,4,7"));
    }

    @Test
    void accountingForJobsThatLeftTheQueue() throws Exception {
        assertEquals(Map.of("15", new JobRecord(FAILED, 3, 0)),
                sge.parseHistory(SlurmSchedulerTest.sample("sge/qacct-failed.txt")));
        assertEquals(Map.of("16.1", new JobRecord(JobState.COMPLETED, 0, 0), "16.2", new JobRecord(JobState.COMPLETED, 0, 0)),
                sge.parseHistory(SlurmSchedulerTest.sample("sge/qacct-array.txt")));
        // task 3 deleted while it ran: failed 100, exit 137 (SIGKILL)
        assertEquals(new JobRecord(FAILED, 137, 9), sge.parseHistory(SlurmSchedulerTest.sample("sge/qacct-deleted.txt")).get("2.3"));
        assertEquals(Map.of(), sge.parseHistory(""));
        assertEquals(List.of("sh", "-c", "for j; do qacct -j \"$j\" 2>/dev/null; done; exit 0", "sh", "15", "16"),
                sge.historyCommand(List.of("15", "16")));
    }

    @Test
    void findsTheJobOfAScriptWhoseSubmissionAnswerWasLost() throws Exception {
        String all = SlurmSchedulerTest.sample("sge/qstat-j-all.txt");
        assertEquals(List.of("sh", "-c"), sge.jobScriptsCommand().subList(0, 2));
        // jobs 18 and 19 (an array) run the same script: the first listed is taken
        assertEquals("18", sge.parseJobScripts(all, "/tmp/sgecap/s.sh"));
        assertEquals(null, sge.parseJobScripts(all, "/tmp/sgecap/other.sh"));
        assertEquals(null, sge.parseJobScripts("", "/tmp/sgecap/s.sh"));
        assertEquals("19", sge.parseJobScripts(all.substring(all.indexOf("job_number:                 19")), "/tmp/sgecap/s.sh"));
    }

    @Test
    void theJobScriptsQuerySucceedsWithNoJobsAndFailsOtherwise() throws Exception {
        java.nio.file.Path bin = java.nio.file.Files.createTempDirectory("fake-qstat");
        try {
            java.nio.file.Path qstat = bin.resolve("qstat");
            for (String[] c : new String[][] {{"echo 'Following jobs do not exist: '; echo '*'; exit 1", "0"},
                    {"echo 'error: commlib error: got select error (Connection refused)' >&2; exit 1", "1"},
                    {"cat <<'E'\njob_number:  7\nscript_file: /x/job.sh\nE", "0"}}) {
                java.nio.file.Files.writeString(qstat, "#!/bin/sh\n" + c[0] + "\n");
                qstat.toFile().setExecutable(true);
                ProcessBuilder pb = new ProcessBuilder(sge.jobScriptsCommand()).redirectErrorStream(true);
                pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertEquals(Integer.parseInt(c[1]), p.waitFor(), out);
                if (c[0].contains("job_number")) {
                    assertEquals("7", sge.parseJobScripts(out, "/x/job.sh"));
                }
            }
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(bin.toFile());
        }
    }

    @Test
    void cancelAndStatusCommands() {
        assertEquals(List.of("qdel", "7", "8"), sge.cancelCommand(List.of("7", "8")));
        assertEquals(List.of("qstat", "-xml"), sge.statusCommand(List.of("7")));
    }

    @Test
    void resourcesWithoutAGridEngineEquivalentAreRefused() {
        JobSpec job = new JobSpec("x", "/r", 1, Map.of("memory", "4G"), List.of(), Map.of(), "offscreen",
                List.of("pvbatch"), 1, 0, "/r/jobs/j0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sge.renderJobScript(job));
        assertTrue(e.getMessage().startsWith("resource 'memory' has no Grid Engine equivalent"), e.getMessage());
    }

    @Test
    void arrayLimitFromTheGlobalConfiguration() throws Exception {
        assertEquals(List.of("qconf", "-sconf"), sge.arrayLimitCommand());
        assertEquals(75000, sge.parseArrayLimit(SlurmSchedulerTest.sample("sge/qconf-sconf.txt")));
        assertEquals(0, sge.parseArrayLimit("max_aj_instances 2000\nmax_aj_tasks 0\n"), "0: no limit");
        assertEquals(10, sge.parseArrayLimit("max_aj_tasks                 10\nmax_u_jobs 0\n"));
    }
}
