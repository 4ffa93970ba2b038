package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Without a terminal (cron, CI) the progress line is printed at each tenth of the run, not at each change. */
class ProgressTest {
    @Test
    void aThousandTasksLogAboutElevenLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false, clock::get);
        for (int done = 0; done <= 1000; done++) {
            clock.addAndGet(1_000_000L); // 1 ms a task
            p.update(1000, 0, Math.min(8, 1000 - done), done, 0, 0);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(11, out.lines().count(), out);
        assertEquals("pvrun: 1000 tasks: 0 pending, 0 running, 1000 done, 0 failed", out.lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void aSlowRunStillSaysSomethingEveryHalfMinute() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false, clock::get);
        p.update(100, 100, 0, 0, 0, 0);
        for (int s = 1; s <= 60; s++) {
            clock.addAndGet(1_000_000_000L);
            p.update(100, s % 2 == 0 ? 98 : 99, s % 2 == 0 ? 2 : 1, 0, 0, 0); // changes every second, no task ends
        }
        assertEquals(3, bytes.toString(StandardCharsets.UTF_8).lines().count(), bytes.toString(StandardCharsets.UTF_8));
    }
}
