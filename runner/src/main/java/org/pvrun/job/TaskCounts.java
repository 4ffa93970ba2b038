package org.pvrun.job;

/**
 * Where a run's tasks stand, in the one wording the progress line and {@code pvrun status} share: pending (its
 * job still in the scheduler's queue, with the scheduler's reason when it gives one), waiting (its job runs, the
 * task has not started: tasks packed into one job run one after another), running (started, no verdict yet), done
 * (reused tasks included) and failed. See docs/results.md, "What a run prints".
 */
public record TaskCounts(int total, int pending, int waiting, int running, int done, int failed, int reused,
        String reason, int framesDone, int framesTotal) {

    public TaskCounts(int total, int pending, int waiting, int running, int done, int failed, int reused, String reason) {
        this(total, pending, waiting, running, done, failed, reused, reason, 0, 0);
    }

    /**
     * {@code 12 tasks: 4 pending (Resources), 6 waiting, 2 running, 0 done, 0 failed}, then {@code , 3 reused},
     * and for a split animation {@code , frames 412/1200}.
     */
    public String words() {
        return String.format("%d task%s: %d pending%s, %d waiting, %d running, %d done, %d failed%s%s", total,
                total == 1 ? "" : "s", pending, pending > 0 && reason != null ? " (" + reason + ")" : "", waiting,
                running, done, failed, reused > 0 ? ", " + reused + " reused" : "",
                framesTotal > 0 ? ", frames " + framesDone + "/" + framesTotal : "");
    }

    /** These counts with a split animation's frames. */
    public TaskCounts withFrames(int done, int total) {
        return new TaskCounts(this.total, pending, waiting, running, this.done, failed, reused, reason, done, total);
    }

    /** Tasks without a verdict yet. */
    public int unfinished() {
        return pending + waiting + running;
    }
}
