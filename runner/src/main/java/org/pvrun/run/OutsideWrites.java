package org.pvrun.run;

import java.util.List;

import org.pvrun.plan.Task;

/**
 * Files a task wrote outside its folder, which are never collected: the driver lists them in
 * {@code status/NNNN.outside}, one absolute path a line (pvrun_outside.py says what it can see), which
 * {@link Fetch} reads; the run names each in a warning, and with {@code strict: true} the task fails
 * (docs/runtime.md#outside-writes).
 */
final class OutsideWrites {
    /** Reasons name at most this many paths; the warnings name them all (of a run of many, the first few; -v all). */
    private static final int SHOWN = 3;

    private OutsideWrites() {}

    static String warning(int task, String path) {
        return "task " + Task.id(task) + " wrote " + path + " outside its folder: not collected";
    }

    /** Why a strict task failed. */
    static String reason(List<String> paths) {
        String shown = String.join(", ", paths.subList(0, Math.min(SHOWN, paths.size())));
        return "wrote " + shown + (paths.size() > SHOWN ? " and " + (paths.size() - SHOWN) + " more" : "")
                + " outside its folder (strict: true)";
    }
}
