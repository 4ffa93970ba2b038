package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pvrun.job.JobEnd;

/** The progress line never goes backwards: a job once running is not pending again when its process is gone. */
class ProgressCountsTest {
    @Test
    void aKilledJobGoesFromRunningToFailedNeverBackToPending() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false);
        RunRecord.Round round = new RunRecord.Round(1, "/r/jobs/r1", List.of(List.of(0)), new ArrayList<>(List.of("42")),
                null, null);
        Monitor.Counts counts = new Monitor.Counts(1, 0, round);
        counts.show(progress, Map.of(), Map.of());
        counts.running.add(0);
        counts.show(progress, Map.of(), Map.of());
        // killed: the next liveness check no longer sees it, the gone rule has not judged it yet
        counts.show(progress, Map.of(), Map.of());
        counts.show(progress, Map.of(), Map.of(0, new JobEnd.Vanished(null)));
        assertEquals(List.of(
                "pvrun: 1 task: 1 pending, 0 running, 0 done, 0 failed",
                "pvrun: 1 task: 0 pending, 1 running, 0 done, 0 failed",
                "pvrun: 1 task: 0 pending, 0 running, 0 done, 1 failed"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
