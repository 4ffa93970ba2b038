package org.pvrun.plan;

import java.util.ArrayList;
import java.util.List;

import org.pvrun.spec.ArgTemplate;
import org.pvrun.spec.PipelineSpec;

/** Turns a validated spec into tasks. */
public final class Planner {
    private Planner() {}

    public static Plan plan(PipelineSpec spec) {
        List<String> argv = new ArrayList<>();
        for (String a : spec.args()) {
            argv.add(ArgTemplate.expand(a, spec.params()));
        }
        return new Plan(spec, List.of(new Task(0, spec.params(), List.copyOf(argv))));
    }
}
