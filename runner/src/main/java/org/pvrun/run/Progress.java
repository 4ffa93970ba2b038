package org.pvrun.run;

import java.io.PrintStream;

import org.pvrun.job.TaskCounts;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Live task counts while a run is followed: a progress bar (me.tongfei:progressbar) on a terminal; otherwise (cron
 * and CI logs) a plain line at the start, when the first job starts (a task waiting or running), when the first
 * task runs, at each tenth of the tasks ended, at the end, and at most once every {@link #QUIET_INTERVAL_NANOS} in
 * between when the counts changed, so a 1,000-task run logs a few dozen lines, not a thousand.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    static final long QUIET_INTERVAL_NANOS = 30_000_000_000L;
    private final java.util.function.LongSupplier clock;
    private String last = "";
    private long lastPrinted;
    private int lastTenth = -1;
    private boolean sawJob;
    private boolean sawTask;
    private ProgressBar bar;

    Progress(PrintStream out, boolean terminal, boolean quiet) {
        this(out, terminal, quiet, System::nanoTime);
    }

    Progress(PrintStream out, boolean terminal, boolean quiet, java.util.function.LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
        this.clock = clock;
    }

    void update(TaskCounts c) {
        String line = "pvrun: " + c.words();
        if (quiet || line.equals(last)) {
            return;
        }
        last = line;
        // a split animation goes by its frames, a sweep by its tasks (done counts the reused tasks too)
        int total = c.framesTotal() > 0 ? c.framesTotal() : c.total();
        int ended = c.framesTotal() > 0 ? c.framesDone() : c.done() + c.failed();
        if (terminal) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(c.framesTotal() > 0 ? "frames" : "tasks").setInitialMax(total)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                        .continuousUpdate().build();
            }
            bar.maxHint(total); // the frame count is known once the first task reports
            bar.stepTo(ended);
            // the counts after "N tasks: ", done being the bar itself
            bar.setExtraMessage(c.words().substring(c.words().indexOf(": ") + 2).replaceFirst(", \\d+ done", ""));
        } else {
            int tenth = total == 0 ? 10 : ended * 10 / total;
            long now = clock.getAsLong();
            // the first job to start is news too (its tasks left the queue), and so is the first task to start
            // (ParaView got going): tasks packed into a job wait for the one before them
            boolean news = c.waiting() + c.running() > 0 && !sawJob || c.running() > 0 && !sawTask;
            sawJob |= c.waiting() + c.running() > 0;
            sawTask |= c.running() > 0;
            if (lastTenth < 0 || tenth != lastTenth || ended == total || news
                    || now - lastPrinted >= QUIET_INTERVAL_NANOS) {
                out.println(line);
                out.flush();
                lastPrinted = now;
                lastTenth = tenth;
            }
        }
    }

    /** Closes the bar, so that what follows starts on a line of its own. */
    void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        last = "";
        lastTenth = -1;
        sawJob = false;
        sawTask = false;
    }
}
