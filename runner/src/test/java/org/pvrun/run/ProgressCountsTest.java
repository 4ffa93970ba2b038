package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pvrun.job.JobEnd;
import org.pvrun.job.QueueAnswer;
import org.pvrun.scheduler.JobState;

/**
 * The progress line tells pending (queued), waiting (in a running job, not started) and running (started) apart,
 * and never goes backwards: a job once running is not pending again when its process is gone.
 */
class ProgressCountsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false);

    private static JobFiles files(Map<Integer, Integer> codes, Set<Integer> started) {
        JobFiles f = new JobFiles();
        f.taskCodes.putAll(codes);
        f.started.addAll(started);
        return f;
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aKilledJobGoesFromRunningToFailedNeverBackToPending() {
        RunRecord.Round round = new RunRecord.Round(1, "/r/jobs/r1", List.of(List.of(0)), new ArrayList<>(List.of("42")),
                null, null);
        Monitor.Counts counts = new Monitor.Counts(1, 0, round);
        counts.show(progress, files(Map.of(), Set.of()), Map.of());
        counts.heard(QueueAnswer.of(Map.of(0, JobState.RUNNING)));
        counts.show(progress, files(Map.of(), Set.of(0)), Map.of());
        // killed: the next query no longer sees it, the gone rule has not judged it yet
        counts.heard(QueueAnswer.of(Map.of()));
        counts.show(progress, files(Map.of(), Set.of(0)), Map.of());
        counts.show(progress, files(Map.of(), Set.of(0)), Map.of(0, new JobEnd.Vanished(null)));
        assertEquals(List.of(
                "pvrun: 1 task: 1 pending, 0 waiting, 0 running, 0 done, 0 failed",
                "pvrun: 1 task: 0 pending, 0 waiting, 1 running, 0 done, 0 failed",
                "pvrun: 1 task: 0 pending, 0 waiting, 0 running, 0 done, 1 failed"), lines());
    }

    /** The case: 12 tasks packed 6 to a job on 2 cores are not "12 running" while one of each job runs. */
    @Test
    void tasksQueuedInsideARunningJobAreWaitingNotRunning() {
        List<List<Integer>> jobs = List.of(List.of(0, 1, 2, 3, 4, 5), List.of(6, 7, 8, 9, 10, 11));
        RunRecord.Round round = new RunRecord.Round(1, "/r/jobs/r1", jobs, new ArrayList<>(List.of("42")), null, null);
        Monitor.Counts counts = new Monitor.Counts(12, 0, round);
        counts.heard(QueueAnswer.of(Map.of(0, JobState.PENDING, 1, JobState.PENDING),
                Map.of(0, "Priority", 1, "Priority")));
        assertEquals("12 tasks: 12 pending (Priority), 0 waiting, 0 running, 0 done, 0 failed",
                counts.count(Map.of(), Set.of(), Map.of()).words());
        counts.heard(QueueAnswer.of(Map.of(0, JobState.RUNNING, 1, JobState.PENDING), Map.of(1, "Resources")));
        assertEquals("12 tasks: 6 pending (Resources), 5 waiting, 1 running, 0 done, 0 failed",
                counts.count(Map.of(), Set.of(0), Map.of()).words());
        // job 1 started a task before the next query saw it run: that task runs, its others are still pending
        assertEquals("12 tasks: 5 pending (Resources), 4 waiting, 2 running, 1 done, 0 failed",
                counts.count(Map.of(0, 0), Set.of(0, 1, 6), Map.of()).words());
        counts.heard(QueueAnswer.of(Map.of(0, JobState.RUNNING, 1, JobState.RUNNING)));
        assertEquals("12 tasks: 0 pending, 9 waiting, 2 running, 1 done, 0 failed",
                counts.count(Map.of(0, 0), Set.of(0, 1, 6), Map.of()).words());
        // a failed query keeps what the last one said
        counts.heard(QueueAnswer.failed());
        assertEquals("12 tasks: 0 pending, 9 waiting, 2 running, 1 done, 0 failed",
                counts.count(Map.of(0, 0), Set.of(0, 1, 6), Map.of()).words());
    }

    /** Reasons of several pending jobs are listed once each, in a stable order; reused tasks are counted as done. */
    @Test
    void mixedReasonsAreSortedAndReusedTasksAreDone() {
        RunRecord.Round round = new RunRecord.Round(1, "/r/jobs/r1", List.of(List.of(1), List.of(2), List.of(3)),
                new ArrayList<>(List.of("42")), null, null);
        Monitor.Counts counts = new Monitor.Counts(4, 1, round);
        counts.heard(QueueAnswer.of(Map.of(0, JobState.PENDING, 1, JobState.PENDING, 2, JobState.PENDING),
                Map.of(0, "Resources", 1, "Priority", 2, "Resources")));
        assertEquals("4 tasks: 3 pending (Priority, Resources), 0 waiting, 0 running, 1 done, 0 failed, 1 reused",
                counts.count(Map.of(), Set.of(), Map.of()).words());
    }

    @org.junit.jupiter.api.Test
    void aSplitAnimationCountsItsFramesFromTheTasksProgressFiles() {
        JobFiles f = JobFiles.parse("P status/0000.fprog 7 24\nP status/0001.fprog 5 24\nP status/0002.fprog 3\n");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {7, 24}, f.frames.get(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {5, 24}, f.frames.get(1));
        org.junit.jupiter.api.Assertions.assertFalse(f.frames.containsKey(2), "a line being written is read next poll");
        org.junit.jupiter.api.Assertions.assertEquals("3 tasks: 0 pending, 0 waiting, 3 running, 0 done, 0 failed, frames 12/24",
                new org.pvrun.job.TaskCounts(3, 0, 0, 3, 0, 0, 0, null).withFrames(12, 24).words());
        org.junit.jupiter.api.Assertions.assertEquals("3 tasks: 0 pending, 0 waiting, 3 running, 0 done, 0 failed",
                new org.pvrun.job.TaskCounts(3, 0, 0, 3, 0, 0, 0, null).words(), "no frames: as before");
    }
}
