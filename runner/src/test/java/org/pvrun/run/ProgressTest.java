package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.pvrun.job.TaskCounts;

/** Without a terminal (cron, CI) the progress line is printed at each tenth of the run, not at each change. */
class ProgressTest {
    @Test
    void aThousandTasksLogAboutElevenLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false, clock::get);
        for (int done = 0; done <= 1000; done++) {
            clock.addAndGet(1_000_000L); // 1 ms a task
            p.update(new TaskCounts(1000, 0, 0, Math.min(8, 1000 - done), done, 0, 0, null));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(11, out.lines().count(), out);
        assertEquals("pvrun: 1000 tasks: 0 pending, 0 waiting, 0 running, 1000 done, 0 failed", out.lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void aSlowRunStillSaysSomethingEveryHalfMinute() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false, clock::get);
        p.update(new TaskCounts(100, 100, 0, 0, 0, 0, 0, null));
        for (int s = 1; s <= 60; s++) {
            clock.addAndGet(1_000_000_000L);
            p.update(new TaskCounts(100, s % 2 == 0 ? 98 : 99, 0, s % 2 == 0 ? 2 : 1, 0, 0, 0, null)); // changes every second, no task ends
        }
        assertEquals(3, bytes.toString(StandardCharsets.UTF_8).lines().count(), bytes.toString(StandardCharsets.UTF_8));
    }

    /** Jobs leaving the queue are news even when no task has started: the line says so at once. */
    @Test
    void theFirstJobToStartIsPrintedAndTheReasonOnlyWhilePending() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false, clock::get);
        p.update(new TaskCounts(12, 12, 0, 0, 0, 0, 0, "Priority"));
        clock.addAndGet(1_000_000_000L);
        p.update(new TaskCounts(12, 12, 0, 0, 0, 0, 0, "Resources")); // a change, but no news: not printed
        clock.addAndGet(1_000_000_000L);
        p.update(new TaskCounts(12, 4, 8, 0, 0, 0, 0, "Resources"));
        clock.addAndGet(1_000_000_000L);
        p.update(new TaskCounts(12, 0, 0, 0, 12, 0, 0, "Resources"));
        assertEquals(java.util.List.of(
                "pvrun: 12 tasks: 12 pending (Priority), 0 waiting, 0 running, 0 done, 0 failed",
                "pvrun: 12 tasks: 4 pending (Resources), 8 waiting, 0 running, 0 done, 0 failed",
                "pvrun: 12 tasks: 0 pending, 0 waiting, 0 running, 12 done, 0 failed"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
