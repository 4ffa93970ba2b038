package org.pvrun.plan;

import java.util.List;
import java.util.Map;

/**
 * One run of the script: its parameters and its command-line arguments after {param} substitution.
 *
 * @param index position in the run, 0-based; task directories and logs are named by it (0000, 0001, ...)
 * @param point the sweep values of this task (a subset of params), empty without a sweep
 * @param animation the window of a split animation this task renders, or null
 */
public record Task(int index, Map<String, Object> params, List<String> argv, Map<String, Object> point,
        AnimationPart animation) {
    public Task(int index, Map<String, Object> params, List<String> argv, Map<String, Object> point) {
        this(index, params, argv, point, null);
    }

    public String id() {
        return id(index);
    }

    public static String id(int index) {
        return String.format("%04d", index);
    }

    /** sys.argv as the script sees it: its file name, then the task's arguments (docs/runtime.md). */
    public static List<String> seenArgv(String scriptName, List<String> argv) {
        List<String> l = new java.util.ArrayList<>(argv.size() + 1);
        l.add(scriptName);
        l.addAll(argv);
        return List.copyOf(l);
    }

    /** The task's arguments from a {@link #seenArgv} list (a manifest's); older manifests hold the arguments alone. */
    public static List<String> argsOf(String scriptName, List<String> seen) {
        return !seen.isEmpty() && seen.get(0).equals(scriptName) ? seen.subList(1, seen.size()) : seen;
    }
}
