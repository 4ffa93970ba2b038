package org.pvrun.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs tasks into jobs so that ParaView starts once per job, not once per task (docs/sweeps.md#packing).
 * Without {@code tasks_per_job}, the tasks are spread evenly over the slots: as many jobs as slots, each
 * with ceil(tasks / slots) tasks, so every slot starts pvbatch once.
 */
public final class Packing {
    /** Job slots on a cluster when the spec sets no {@code max_parallel}. */
    public static final int DEFAULT_CLUSTER_SLOTS = 8;

    private Packing() {}

    /** Consecutive runs of task indices, one list per job. */
    public static List<List<Integer>> pack(List<Integer> taskIndices, Integer tasksPerJob, int slots) {
        int n = taskIndices.size();
        if (n == 0) {
            return List.of();
        }
        int per = tasksPerJob != null ? tasksPerJob : (n + Math.max(1, slots) - 1) / Math.max(1, slots);
        List<List<Integer>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i += per) {
            jobs.add(List.copyOf(taskIndices.subList(i, Math.min(n, i + per))));
        }
        return jobs;
    }

    /** Local slots: cores / ranks, at least 1. */
    public static int localSlots(int ranks) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, ranks));
    }
}
