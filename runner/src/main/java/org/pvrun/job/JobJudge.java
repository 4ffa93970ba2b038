package org.pvrun.job;

import org.pvrun.scheduler.JobState;

/**
 * Whether one job of a round has ended, from what one poll read: the job's exit file, the task verdicts, and
 * (when this poll asked) the scheduler's answer. Pure: the monitor reads, this decides.
 *
 * <p>The order is the evidence's: the job's own exit file first (it is written after every verdict of its
 * tasks), then all its verdicts (nothing left to make, no need to wait for pvbatch to tear down), then the
 * scheduler's final state, and last the job's absence from the queue, counted by {@link GoneRule}.
 */
public final class JobJudge {
    private final GoneRule gone = new GoneRule();

    /** What a poll saw of one job. */
    public record Look(int job, String exitFile, boolean allVerdicts, boolean started) {}

    /**
     * How the job ended, or null while it goes on. {@code queue} is this poll's answer, or null when this poll
     * did not ask the scheduler. A {@link JobEnd.Vanished} comes without {@code past}: the caller may ask the
     * scheduler's accounting and fill it in.
     */
    public JobEnd judge(Look look, QueueAnswer queue) {
        if (look.exitFile() != null) {
            return JobEnd.exitFile(look.exitFile());
        }
        if (look.allVerdicts()) {
            return new JobEnd.AllVerdicts();
        }
        if (queue == null || !queue.answered() || !look.started()) {
            return null; // judged at the next answer; a job not started yet is not missing
        }
        JobState s = queue.state(look.job());
        if (s != null && s.isTerminal() && s != JobState.COMPLETED) {
            return new JobEnd.EndedByScheduler(s, queue.detail(look.job()));
        }
        if (s == null || s == JobState.UNKNOWN || s == JobState.COMPLETED) {
            // COMPLETED without an exit file: the file may still be on its way (NFS); gone counts it like absence
            return gone.missed(look.job()) ? new JobEnd.Vanished(s) : null;
        }
        gone.seen(look.job());
        return null;
    }
}
