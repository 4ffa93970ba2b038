package org.pvrun.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.pvrun.util.Shell;

/**
 * A target's setup lines (module loads and the like), each run and checked by the shell function in
 * {@code templates/_setup.sh.mustache}: a failing line stops the job before pvbatch, and the job's exit file
 * then reads {@code STATUS setup line N failed (exit STATUS): LINE: OUTPUT} (see {@code _body.sh.mustache}).
 */
public final class SetupLines {
    /** How the reason of a job stopped by a failed setup line begins. */
    public static final String FAILED = "setup line ";

    private SetupLines() {}

    /** The arguments of each line's {@code pvrun_setup} call: its number (from 1) and the line, quoted. */
    static List<String> calls(List<String> setup) {
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < setup.size(); i++) {
            calls.add((i + 1) + " " + Shell.quote(setup.get(i)));
        }
        return calls;
    }

    /**
     * Shell text that runs the lines, each checked, in the shell that goes on with whatever follows it; at the
     * first failing line it prints {@code pvrun: setup line N failed ...} on stderr and exits with that line's
     * status. Empty for no lines.
     */
    public static String checked(List<String> setup) {
        if (setup.isEmpty()) {
            return "";
        }
        return JobScripts.render("setup-check.sh.mustache", Map.of("setupCalls", calls(setup)));
    }

    /** The {@code setup line N failed ...} message in a command's stderr, or null. */
    public static String failure(String stderr) {
        for (String line : stderr.split("\n")) {
            if (line.startsWith("pvrun: " + FAILED)) {
                return line.substring("pvrun: ".length()).strip();
            }
        }
        return null;
    }
}
