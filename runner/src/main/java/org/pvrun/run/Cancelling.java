package org.pvrun.run;

import java.io.IOException;
import java.util.List;

import org.pvrun.transport.ConnectionLostException;
import org.pvrun.util.Shell;

/**
 * Cancelling a run's jobs (Ctrl-C, SIGTERM, {@code pvrun cancel}): the last round's jobs are ended through
 * the tracker, which then asks what became of them; the user reads one line saying what the scheduler said.
 */
final class Cancelling {
    private Cancelling() {}

    /** What cancelling found afterwards. */
    record Outcome(List<String> ids, boolean confirmed, String evidence, List<String> command) {
        static Outcome confirmed(List<String> ids, String by) {
            return new Outcome(ids, true, by, List.of());
        }

        static Outcome failed(List<String> ids, String evidence, List<String> command) {
            return new Outcome(ids, false, evidence, command);
        }

        /**
         * {@code cancelled jobs 52, 53 (confirmed by squeue)}, or what went wrong and the command to run by hand (whole:
         * it is to be run). A run of many jobs names the first and the last: {@code cancelled 8000 jobs: 4101, ...}.
         */
        String line() {
            String jobs = jobs(ids);
            if (confirmed) {
                return "pvrun: cancelled " + jobs + " (confirmed by " + evidence + ")";
            }
            return "pvrun: could not confirm that " + jobs + " ended (" + evidence.replace("\n", "\n    ") + ")"
                    + "\n    cancel by hand on the target: " + Shell.join(command);
        }
    }

    /** Jobs named in a cancel's line: every one up to {@link #JOBS_NAMED}, else their count, the first three and the last. */
    static final int JOBS_NAMED = 10;

    static String jobs(List<String> ids) {
        if (ids.size() <= JOBS_NAMED) {
            return "job" + (ids.size() == 1 ? " " : "s ") + String.join(", ", ids);
        }
        return ids.size() + " jobs: " + String.join(", ", ids.subList(0, 3)) + ", ... " + ids.get(ids.size() - 1);
    }

    /** Cancels the last round's jobs; returns the line to print, or null when nothing was submitted. */
    static Outcome cancel(Session s) throws IOException, InterruptedException {
        RunRecord.Round round = s.lastRound();
        if (round == null || round.jobIds().isEmpty()) {
            return null;
        }
        try {
            return s.tracker.cancel(round);
        } catch (ConnectionLostException e) {
            // the remote transport reconnects by itself within its budget; past it, say so and how to finish
            return Outcome.failed(round.jobIds(), "the connection dropped: " + e.getMessage(),
                    s.scheduler.cancelCommand(round.jobIds()));
        }
    }
}
