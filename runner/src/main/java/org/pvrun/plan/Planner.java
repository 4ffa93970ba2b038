package org.pvrun.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.AnimationSpec;
import org.pvrun.spec.ArgTemplate;
import org.pvrun.spec.PipelineSpec;

/**
 * Turns a validated spec into tasks: one per sweep point (one without a sweep); with {@code animation: {split: N}}
 * N per point, one for each window of the animation's frames; with {@code frames_per_task: F} as many per point as
 * windows of F frames its animation has, once they are counted ({@link #plan(PipelineSpec, List)}).
 */
public final class Planner {
    private Planner() {}

    public static Plan plan(PipelineSpec spec) {
        return plan(spec, null);
    }

    /**
     * @param framesPerPoint with {@code frames_per_task:}, each sweep point's frame count (the count run's answer),
     *                       in the order of the points; null otherwise (before the count, one task a point)
     */
    public static Plan plan(PipelineSpec spec, List<Integer> framesPerPoint) {
        if (framesPerPoint != null && framesPerPoint.size() != spec.points().size()) {
            throw new IllegalArgumentException(framesPerPoint.size() + " frame counts for " + spec.points().size() + " points");
        }
        List<Task> tasks = new ArrayList<>(spec.points().size());
        for (int pi = 0; pi < spec.points().size(); pi++) {
            Map<String, Object> point = spec.points().get(pi);
            // the sweep's own map, not a copy per task, and the same map as params when the spec sets none: a
            // 100,000-task plan held three small maps a task (about 55 MB live; peak RSS 458 MiB at 100,000)
            Map<String, Object> pointView = Collections.unmodifiableMap(point);
            Map<String, Object> params;
            if (spec.params().isEmpty()) {
                params = pointView;
            } else {
                Map<String, Object> merged = new LinkedHashMap<>(spec.params());
                merged.putAll(point);
                params = Collections.unmodifiableMap(merged);
            }
            List<String> argv = new ArrayList<>(spec.args().size());
            for (String a : spec.args()) {
                argv.add(ArgTemplate.expand(a, params));
            }
            List<String> args = List.copyOf(argv);
            AnimationSpec a = spec.animation();
            int parts = a == null ? 0 : framesPerPoint == null ? a.split() : partsFor(framesPerPoint.get(pi), a.framesPerTask());
            for (int part = 0; part < Math.max(1, parts); part++) {
                tasks.add(new Task(tasks.size(), params, args, pointView,
                        parts == 0 ? null : new AnimationPart(part, parts, a.framesPerTask(), a.count())));
            }
        }
        return new Plan(spec, List.copyOf(tasks));
    }

    /** Windows of {@code perTask} frames for {@code frames} frames: the last may be shorter; one when there are none. */
    static int partsFor(int frames, int perTask) {
        return Math.max(1, (int) ((frames + (long) perTask - 1) / perTask));
    }
}
