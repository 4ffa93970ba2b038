package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a job's end becomes the reason of a task left without a verdict. */
class JobEndsTest {
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
        "exit 1 something else | job 7_0 ended (exit 1 something else) without the task's verdict",
        "timeout  | job 7_0 hit its time limit (scheduler state timeout)",
        "failed   | job 7_0 failed (scheduler state failed: out of memory, node failure or a crash)",
        "cancelled | job 7_0 was cancelled",
        "ended without writing its exit status (killed, out of time or a node failure) | job 7_0 ended without writing its exit status (killed, out of time or a node failure)",
    })
    void reasons(String end, String reason) {
        assertEquals(reason, JobEnds.reason("7_0", end));
    }

    @org.junit.jupiter.api.Test
    void aFailedSetupLineIsTheWholeReasonAndMakesTheRunAnEnvironmentFailure() {
        String end = "exit 1 setup line 1 failed (exit 1): module load paraview/9.9: unknown";
        assertEquals("setup line 1 failed (exit 1): module load paraview/9.9: unknown",
                JobEnds.notRun(JobEnds.reason("7_0", end)));
        org.junit.jupiter.api.Assertions.assertTrue(JobEnds.anySetupFailed(java.util.Map.of("0", "exit 0", "1", end)));
        org.junit.jupiter.api.Assertions.assertFalse(JobEnds.anySetupFailed(java.util.Map.of("0", "exit 1", "1", "done")));
        org.junit.jupiter.api.Assertions.assertFalse(JobEnds.anySetupFailed(null));
    }

    @org.junit.jupiter.api.Test
    void notRun() {
        assertEquals("not run: its job ended before the task started (job 7_0 was cancelled)",
                JobEnds.notRun(JobEnds.reason("7_0", "cancelled")));
    }
}
