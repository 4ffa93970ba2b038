package org.pvrun.util;

import java.util.ArrayList;
import java.util.List;

/** Runs of consecutive numbers ({@code 0 1 2 5 7 8} → {@code [0,2] [5,5] [7,8]}), for messages that name many. */
public final class Ranges {
    private Ranges() {}

    /** The runs of {@code sorted} (ascending), each as {@code {first, last}}. */
    public static List<int[]> of(List<Integer> sorted) {
        List<int[]> runs = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            runs.add(new int[] {sorted.get(i), sorted.get(j)});
            i = j + 1;
        }
        return runs;
    }
}
