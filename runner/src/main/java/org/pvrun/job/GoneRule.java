package org.pvrun.job;

import java.util.HashMap;
import java.util.Map;

/**
 * When a job missing from the scheduler's answer (or, without a scheduler, whose processes are gone) counts as
 * ended without its exit file: after {@link #POLLS} status queries in a row. One missing answer is no proof: a
 * job between pending and running, or just ended and writing its exit file on a shared file system that the
 * reader sees late, can be absent from one answer. Used by the batch monitor and by {@code pvrun serve} alike.
 */
public final class GoneRule {
    /** Status queries in a row that must miss a job before it counts as gone. */
    public static final int POLLS = 3;

    private final Map<Object, Integer> missing = new HashMap<>();

    /** A status query did not see {@code job}; true once it has missed it {@link #POLLS} times in a row. */
    public boolean missed(Object job) {
        return missing.merge(job, 1, Integer::sum) >= POLLS;
    }

    /** A status query saw {@code job} pending or running: the count starts again. */
    public void seen(Object job) {
        missing.remove(job);
    }
}
