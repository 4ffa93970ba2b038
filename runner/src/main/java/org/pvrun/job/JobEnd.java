package org.pvrun.job;

import java.util.Locale;
import java.util.Map;

import org.pvrun.scheduler.JobState;

/**
 * How a job ended, as the monitor saw it. The run record keeps it as a short text ({@link #recorded()}, read
 * back by {@link #parse}) so that a run picked up by another process explains its failed tasks the same way.
 */
public sealed interface JobEnd {

    /** The job wrote its exit file; {@code code} is null when the file held no number. */
    record Exited(Integer code) implements JobEnd {
        @Override
        public String recorded() {
            return code == null ? "exit" : "exit " + code;
        }

        @Override
        public String reason(String job) {
            if (code == null) {
                return "job " + job + " ended (exit) without the task's verdict";
            }
            if (code == 124) {
                return "job " + job + " hit its time limit (exit 124)";
            }
            if (code > 128 && code < 128 + 65) {
                return "job " + job + " was killed by " + Signals.NAMES.getOrDefault(code - 128, "signal " + (code - 128))
                        + " (exit " + code + "; out of memory, a crash or a node failure)";
            }
            return "job " + job + " ended with exit status " + code + " without the task's verdict";
        }
    }

    /**
     * The job stopped at a failing setup line before pvbatch (its exit file reads {@code S setup line N failed
     * (exit S): LINE: OUTPUT}, written by the job script): the target's environment is wrong, not the script.
     */
    record SetupFailed(int code, String what) implements JobEnd {
        @Override
        public String recorded() {
            return "exit " + code + " " + what;
        }

        @Override
        public String reason(String job) {
            return what;
        }
    }

    /** Every task of the job has its verdict: nothing is left for it to make (pvbatch may still be tearing down). */
    record AllVerdicts() implements JobEnd {
        @Override
        public String recorded() {
            return "done";
        }

        @Override
        public String reason(String job) {
            return "job " + job + " ended";
        }
    }

    /** The scheduler ended it (timeout, failed, cancelled, ...) before it wrote its exit file. */
    record EndedByScheduler(JobState state, String detail) implements JobEnd {
        public EndedByScheduler(JobState state) {
            this(state, null);
        }

        @Override
        public String recorded() {
            return state.name().toLowerCase(Locale.ROOT) + (detail == null ? "" : ": " + detail);
        }

        @Override
        public String reason(String job) {
            // the scheduler's own words, where they say more than the state: NODE_FAIL on node2, TIMEOUT on vm
            String more = detail == null || detail.equalsIgnoreCase(state.name()) ? null : detail;
            if (more != null && state == JobState.FAILED) {
                return "job " + job + " ended by the scheduler: " + more;
            }
            if (more != null && (state == JobState.TIMEOUT || state == JobState.CANCELLED)) {
                return (state == JobState.TIMEOUT ? "job " + job + " hit its time limit" : "job " + job + " was cancelled")
                        + " (" + more + ")";
            }
            return switch (state) {
                case TIMEOUT -> "job " + job + " hit its time limit (scheduler state timeout)";
                case FAILED -> "job " + job + " failed (scheduler state failed: out of memory, node failure or a crash)";
                case CANCELLED -> "job " + job + " was cancelled";
                default -> "job " + job + " " + recorded();
            };
        }
    }

    /**
     * It left the queue (or its processes died) without its exit file, {@link GoneRule#POLLS} polls running;
     * {@code past} is what the scheduler's accounting still remembers of it, or null.
     */
    record Vanished(JobState past) implements JobEnd {
        @Override
        public String recorded() {
            return "ended without writing its exit status (" + (past != null && past != JobState.UNKNOWN
                    ? "scheduler state " + past.name().toLowerCase(Locale.ROOT)
                    : "killed, out of time or a node failure") + ")";
        }

        @Override
        public String reason(String job) {
            return "job " + job + " " + recorded();
        }
    }

    /** The text the run record keeps: {@code exit N}, {@code done}, a scheduler state, {@code ended without ...}. */
    String recorded();

    /**
     * Why a task of this job has no verdict, from how the job ended: the job's exit status (a shell reports a
     * process killed by signal N as 128 + N), or the scheduler's final state.
     */
    String reason(String job);

    /** The end a job's exit file records: its number, or null when it holds none. */
    static JobEnd exitFile(String content) {
        String c = content == null ? "" : content.strip();
        java.util.regex.Matcher setup = SETUP_FAILED.matcher(c);
        if (setup.matches()) {
            return new SetupFailed(Integer.parseInt(setup.group(1)), setup.group(2));
        }
        return new Exited(c.matches("\\d{1,9}") ? Integer.valueOf(c) : null);
    }

    /** What a job script writes when a setup line failed: its status, then the line and its output. */
    java.util.regex.Pattern SETUP_FAILED = java.util.regex.Pattern.compile(
            "(\\d{1,9}) (" + java.util.regex.Pattern.quote(org.pvrun.scheduler.SetupLines.FAILED) + ".*)",
            java.util.regex.Pattern.DOTALL);

    /** Reads back {@link #recorded()}; text of no known form (an older record) reads as vanished. */
    static JobEnd parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("exit") || t.startsWith("exit ")) {
            return exitFile(t.substring(4));
        }
        if (t.equals("done")) {
            return new AllVerdicts();
        }
        if (t.startsWith("ended without")) {
            int at = t.indexOf("scheduler state ");
            if (at >= 0) {
                String s = t.substring(at + "scheduler state ".length()).replace(")", "").strip();
                try {
                    return new Vanished(JobState.valueOf(s.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException unknown) {
                    return new Vanished(null);
                }
            }
            return new Vanished(null);
        }
        try {
            String[] stateAndDetail = t.split(": ", 2);
            return new EndedByScheduler(JobState.valueOf(stateAndDetail[0].toUpperCase(Locale.ROOT)),
                    stateAndDetail.length > 1 ? stateAndDetail[1] : null);
        } catch (IllegalArgumentException unknown) {
            return new Vanished(null);
        }
    }

    /** The reason for a task its job never started, given the reason the job ended. */
    static String notRun(String jobReason) {
        if (jobReason.startsWith(org.pvrun.scheduler.SetupLines.FAILED)) {
            return jobReason; // says itself that nothing after the line ran
        }
        return "not run: its job ended before the task started (" + jobReason + ")";
    }

    /** Signal names for exit statuses 128 + N. */
    final class Signals {
        static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
                Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"),
                Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"),
                Map.entry(15, "SIGTERM"));

        private Signals() {}
    }
}
