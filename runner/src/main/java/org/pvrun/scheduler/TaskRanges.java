package org.pvrun.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Array task lists as Slurm and Grid Engine print them: {@code 3}, {@code 3,4}, {@code 1-5:2}, {@code 0-3,7}. */
final class TaskRanges {
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+)(?::(\\d+))?)?");

    private TaskRanges() {}

    /** The ids of a comma-separated list of {@code N}, {@code FROM-TO} and {@code FROM-TO:STEP}; null if malformed. */
    static List<Integer> expand(String list) {
        List<Integer> ids = new ArrayList<>();
        for (String part : list.strip().split(",")) {
            Matcher r = RANGE.matcher(part.strip());
            if (!r.matches()) {
                return null;
            }
            int from = Integer.parseInt(r.group(1));
            int to = r.group(2) == null ? from : Integer.parseInt(r.group(2));
            int step = r.group(3) == null ? 1 : Math.max(1, Integer.parseInt(r.group(3)));
            for (int i = from; i <= to; i += step) {
                ids.add(i);
            }
        }
        return ids;
    }
}
