package org.pvrun.run;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pvrun.scheduler.SetupLines;

/**
 * Why a task has no verdict, from how its job ended: the job's exit status (a shell reports a process killed
 * by signal N as 128 + N), or the scheduler's final state. What the monitor records as a job's end:
 * {@code exit N}, {@code done}, a scheduler state in lower case ({@code timeout}, {@code failed},
 * {@code cancelled}) or {@code ended without writing its exit status (...)}.
 */
final class JobEnds {
    private static final Map<Integer, String> SIGNALS = Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"),
            Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"),
            Map.entry(15, "SIGTERM"));

    private JobEnds() {}

    static String reason(String job, String end) {
        String setup = setupFailure(end);
        if (setup != null) {
            return setup;
        }
        if (end.equals("exit") || end.startsWith("exit ")) {
            String code = end.substring(4).strip();
            if (!code.matches("\\d+")) {
                return "job " + job + " ended (" + end.strip() + ") without the task's verdict";
            }
            int c = Integer.parseInt(code);
            if (c == 124) {
                return "job " + job + " hit its time limit (exit 124)";
            }
            if (c > 128 && c < 128 + 65) {
                return "job " + job + " was killed by " + SIGNALS.getOrDefault(c - 128, "signal " + (c - 128))
                        + " (exit " + c + "; out of memory, a crash or a node failure)";
            }
            return "job " + job + " ended with exit status " + c + " without the task's verdict";
        }
        return switch (end) {
            case "timeout" -> "job " + job + " hit its time limit (scheduler state timeout)";
            case "failed" -> "job " + job + " failed (scheduler state failed: out of memory, node failure or a crash)";
            case "cancelled" -> "job " + job + " was cancelled";
            default -> "job " + job + " " + end;
        };
    }

    /**
     * {@code setup line N failed (exit S): LINE: OUTPUT} when the job stopped at a setup line (its exit file reads
     * {@code S setup line ...}, so its end is {@code exit S setup line ...}), else null.
     */
    static String setupFailure(String end) {
        Matcher m = SETUP_FAILED.matcher(end);
        return m.matches() ? m.group(1) : null;
    }

    /** True when a job of the round stopped at a failed setup line: the run then fails as an environment problem. */
    static boolean anySetupFailed(Map<String, String> jobEnds) {
        return jobEnds != null && jobEnds.values().stream().anyMatch(e -> setupFailure(e) != null);
    }

    private static final Pattern SETUP_FAILED = Pattern.compile("exit \\d+ (" + Pattern.quote(SetupLines.FAILED) + ".*)", Pattern.DOTALL);

    /** The reason for a task its job never started, given the reason the job ended. */
    static String notRun(String jobReason) {
        if (jobReason.startsWith(SetupLines.FAILED)) {
            return jobReason; // says itself that nothing after the line ran
        }
        return "not run: its job ended before the task started (" + jobReason + ")";
    }
}
