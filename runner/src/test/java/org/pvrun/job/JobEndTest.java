package org.pvrun.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.scheduler.JobState;

/** How a job's end is recorded, read back, and becomes the reason of a task left without a verdict. */
class JobEndTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "exit 137 | job 7_0 was killed by SIGKILL (exit 137; out of memory, a crash or a node failure)",
        "exit 139 | job 7_0 was killed by SIGSEGV (exit 139; out of memory, a crash or a node failure)",
        "exit 134 | job 7_0 was killed by SIGABRT (exit 134; out of memory, a crash or a node failure)",
        "exit 150 | job 7_0 was killed by signal 22 (exit 150; out of memory, a crash or a node failure)",
        "exit 124 | job 7_0 hit its time limit (exit 124)",
        "exit 1   | job 7_0 ended with exit status 1 without the task's verdict",
        "exit 0   | job 7_0 ended with exit status 0 without the task's verdict",
        "exit     | job 7_0 ended (exit) without the task's verdict",
        "exit 1 setup line 1 failed (exit 1): module load paraview/9.9: Lmod has detected the following error | setup line 1 failed (exit 1): module load paraview/9.9: Lmod has detected the following error",
        "exit 127 setup line 2 failed (exit 127): module load x: bash: module: command not found | setup line 2 failed (exit 127): module load x: bash: module: command not found",
        "timeout  | job 7_0 hit its time limit (scheduler state timeout)",
        "failed   | job 7_0 failed (scheduler state failed: out of memory, node failure or a crash)",
        "cancelled | job 7_0 was cancelled",
        "failed: NODE_FAIL on node2 | job 7_0 ended by the scheduler: NODE_FAIL on node2",
        "failed: OUT_OF_MEMORY on node1 | job 7_0 ended by the scheduler: OUT_OF_MEMORY on node1",
        "timeout: TIMEOUT on vm | job 7_0 hit its time limit (TIMEOUT on vm)",
        "cancelled: CANCELLED | job 7_0 was cancelled",
        "done     | job 7_0 ended",
        "ended without writing its exit status (killed, out of time or a node failure) | job 7_0 ended without writing its exit status (killed, out of time or a node failure)",
        "ended without writing its exit status (scheduler state completed) | job 7_0 ended without writing its exit status (scheduler state completed)",
    })
    void reasonsOfRecordedEnds(String recorded, String reason) {
        JobEnd end = JobEnd.parse(recorded);
        assertEquals(reason, end.reason("7_0"));
        assertEquals(recorded.strip(), end.recorded(), "read back, it is recorded the same way");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0      | exit 0",
        "'  7\n' | exit 7",
        "''     | exit",
        "x1     | exit",
    })
    void exitFiles(String content, String recorded) {
        assertEquals(recorded, JobEnd.exitFile(content).recorded());
    }

    @Test
    void typesNotText() {
        assertEquals(new JobEnd.Exited(3), JobEnd.parse("exit 3"));
        assertEquals(new JobEnd.AllVerdicts(), JobEnd.parse("done"));
        assertEquals(new JobEnd.EndedByScheduler(JobState.TIMEOUT), JobEnd.parse("timeout"));
        assertEquals(new JobEnd.Vanished(JobState.FAILED), JobEnd.parse(new JobEnd.Vanished(JobState.FAILED).recorded()));
        assertEquals(new JobEnd.Vanished(null), JobEnd.parse("ended"), "an old record's bare 'ended'");
    }

    @Test
    void notRun() {
        assertEquals("not run: its job ended before the task started (job 7_0 was cancelled)",
                JobEnd.notRun(JobEnd.parse("cancelled").reason("7_0")));
    }

    @org.junit.jupiter.api.Test
    void aFailedSetupLineIsTheWholeReasonAndNothingAfterItRan() {
        JobEnd end = JobEnd.parse("exit 1 setup line 1 failed (exit 1): module load paraview/9.9: unknown");
        assertEquals(new JobEnd.SetupFailed(1, "setup line 1 failed (exit 1): module load paraview/9.9: unknown"), end);
        assertEquals("setup line 1 failed (exit 1): module load paraview/9.9: unknown", JobEnd.notRun(end.reason("7_0")));
        assertEquals(end, JobEnd.parse(end.recorded()));
    }
}
