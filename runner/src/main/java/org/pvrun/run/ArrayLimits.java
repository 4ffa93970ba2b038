package org.pvrun.run;

import java.io.IOException;

import org.pvrun.scheduler.Scheduler;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;

/**
 * The largest array a target's scheduler accepts, asked once ({@code scontrol show config}, {@code qconf
 * -sconf}) and remembered with the target's version (the same key, the same {@link VersionCache#TTL}), so a
 * round larger than it is submitted as several arrays instead of being refused.
 */
final class ArrayLimits {
    private ArrayLimits() {}

    /**
     * Jobs one array may hold on the session's target; 0 for no limit, also when the scheduler has no query or
     * its answer names no limit (then the submission itself says what is wrong, in the scheduler's words).
     */
    static int of(Session s) throws IOException, InterruptedException {
        var cmd = s.scheduler.arrayLimitCommand();
        if (cmd == null) {
            return 0;
        }
        String key = key(s.target, s.scheduler);
        String known = VersionCache.get(s.engine.state(), key);
        if (known != null && known.matches("\\d{1,10}")) {
            return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(known));
        }
        ExecResult r = s.t.exec(cmd, Engine.COMMAND_TIMEOUT);
        s.trace("array limit");
        int limit;
        try {
            limit = s.scheduler.parseArrayLimit(r.stdout());
        } catch (IllegalArgumentException e) {
            if (s.o.verbose()) {
                s.o.err().println("pvrun: the " + s.scheduler.name() + " array limit is unknown (arrays are not split):\n"
                        + r.evidence());
            }
            return 0;
        }
        VersionCache.put(s.engine.state(), key, Integer.toString(limit));
        return limit;
    }

    /** The limit a run on this target learnt (0 for none), while it is remembered; null otherwise. For a dry run, which asks nothing. */
    static Integer known(StateDir state, Target t, Scheduler scheduler) {
        String known = VersionCache.get(state, key(t, scheduler));
        return known != null && known.matches("\\d{1,10}") ? (int) Math.min(Integer.MAX_VALUE, Long.parseLong(known)) : null;
    }

    private static String key(Target t, Scheduler scheduler) {
        return VersionCache.key(t) + ":array-limit:" + scheduler.name();
    }
}
