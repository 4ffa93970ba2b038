package org.pvrun.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which file of the task folder stands for each data file a state names (docs/state-files.md#data): the one
 * {@code state_files} names, else the input or data link of the same base name. Pure.
 */
public final class StateData {
    /**
     * @param files    a path as the state names it to a name in the task folder, for every path that matched
     * @param problems what did not match, one line each (empty: everything matched)
     */
    public record Match(Map<String, String> files, List<String> problems) {}

    private StateData() {}

    /**
     * @param stateFiles the data files as the state names them
     * @param names      the names in each task folder: the inputs' and the data links'
     * @param map        the spec's {@code state_files}
     */
    public static Match match(List<String> stateFiles, Collection<String> names, Map<String, String> map) {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String path : stateFiles) {
            String given = map.get(path);
            if (given != null) {
                if (names.contains(given) || names.stream().anyMatch(n -> given.startsWith(n + "/"))) {
                    files.put(path, given);
                } else {
                    problems.add("state_files maps " + path + " to '" + given + "', which is no input or data name");
                }
                continue;
            }
            List<String> best = candidates(path, names);
            if (best.isEmpty()) {
                missing.add(path);
            } else if (best.size() > 1) {
                problems.add("the state's " + path + " matches several inputs (" + String.join(", ", best)
                        + "); say which in state_files");
            } else {
                files.put(path, best.get(0));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(0, "the state names " + missing.size() + " data file" + (missing.size() == 1 ? "" : "s")
                    + " that no input or data matches by base name (add them to inputs: or data:, or map them in "
                    + "state_files): " + String.join(", ", missing));
        }
        return new Match(files, List.copyOf(problems));
    }

    /** The names of the same base name that share the most trailing folders with the path. */
    static List<String> candidates(String path, Collection<String> names) {
        String[] want = parts(path);
        List<String> best = new ArrayList<>();
        int bestShared = 0;
        for (String name : names) {
            String[] have = parts(name);
            int shared = 0;
            while (shared < want.length && shared < have.length
                    && want[want.length - 1 - shared].equals(have[have.length - 1 - shared])) {
                shared++;
            }
            if (shared > 0 && shared > bestShared) {
                best.clear();
                bestShared = shared;
            }
            if (shared > 0 && shared == bestShared) {
                best.add(name);
            }
        }
        return best;
    }

    /** A path's parts; a state saved on Windows separates them with backslashes. */
    static String[] parts(String path) {
        return path.split("[/\\\\]+");
    }

    /** The base name of a path as a state names it (on any system). */
    public static String baseName(String path) {
        String[] p = parts(path);
        return p.length == 0 ? path : p[p.length - 1];
    }
}
