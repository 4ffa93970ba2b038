package org.pvrun.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.ArgTemplate;
import org.pvrun.spec.PipelineSpec;

/**
 * Turns a validated spec into tasks: one per sweep point (one without a sweep); with {@code animation: {split: N}}
 * N per point, one for each window of the animation's frames.
 */
public final class Planner {
    private Planner() {}

    public static Plan plan(PipelineSpec spec) {
        List<Task> tasks = new ArrayList<>(spec.points().size());
        for (Map<String, Object> point : spec.points()) {
            Map<String, Object> params = new LinkedHashMap<>(spec.params());
            params.putAll(point);
            List<String> argv = new ArrayList<>();
            for (String a : spec.args()) {
                argv.add(ArgTemplate.expand(a, params));
            }
            int parts = spec.animation() == null ? 0 : spec.animation().split();
            for (int part = 0; part < Math.max(1, parts); part++) {
                tasks.add(new Task(tasks.size(), Collections.unmodifiableMap(params), List.copyOf(argv),
                        Collections.unmodifiableMap(new LinkedHashMap<>(point)),
                        parts == 0 ? null : new AnimationPart(part, parts)));
            }
        }
        return new Plan(spec, List.copyOf(tasks));
    }
}
