package org.pvrun.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.ArgTemplate;
import org.pvrun.spec.PipelineSpec;

/** Turns a validated spec into tasks: one per sweep point (one without a sweep). */
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
            tasks.add(new Task(tasks.size(), Collections.unmodifiableMap(params), List.copyOf(argv),
                    Collections.unmodifiableMap(new LinkedHashMap<>(point))));
        }
        return new Plan(spec, List.copyOf(tasks));
    }
}
