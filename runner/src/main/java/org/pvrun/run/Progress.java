package org.pvrun.run;

import java.io.PrintStream;

/**
 * Live task counts while a run is followed: rewritten in place on a terminal, one line per change
 * otherwise (cron and CI logs).
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private String last = "";

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
        if (terminal) {
            out.print("\r\033[K" + line);
        } else {
            out.println(line);
        }
        out.flush();
        last = line;
    }

    /** Ends the in-place line so that what follows starts on a line of its own. */
    void end() {
        if (terminal && !quiet && !last.isEmpty()) {
            out.println();
        }
        last = "";
    }
}
