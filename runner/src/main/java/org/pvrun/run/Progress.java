package org.pvrun.run;

import java.io.PrintStream;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Live task counts while a run is followed: a progress bar (me.tongfei:progressbar) on a terminal, one
 * plain line per change otherwise (cron and CI logs).
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private String last = "";
    private ProgressBar bar;

    Progress(PrintStream out, boolean terminal, boolean quiet) {
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    void update(int total, int pending, int running, int done, int failed, int reused) {
        String line = String.format("pvrun: %d task%s: %d pending, %d running, %d done, %d failed%s", total,
                total == 1 ? "" : "s", pending, running, done, failed, reused > 0 ? ", " + reused + " reused" : "");
        if (quiet || line.equals(last)) {
            return;
        }
        last = line;
        if (terminal) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("tasks").setInitialMax(total)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                        .continuousUpdate().build();
            }
            bar.stepTo(done + failed);
            bar.setExtraMessage(running + " running, " + failed + " failed" + (reused > 0 ? ", " + reused + " reused" : ""));
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** Closes the bar, so that what follows starts on a line of its own. */
    void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        last = "";
    }
}
