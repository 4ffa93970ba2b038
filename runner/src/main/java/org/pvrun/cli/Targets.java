package org.pvrun.cli;

import java.nio.file.Path;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.spec.MapReader;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;

/** Finds the target a run names: the built-in "local", the spec's inline one, or one from the targets file. */
final class Targets {
    private Targets() {}

    static Target resolve(String name, PipelineSpec spec, Path targetsOption, Map<String, String> env) {
        if (Target.LOCAL.equals(name)) {
            return Target.local();
        }
        if ("inline".equals(name) && spec != null && spec.inlineTarget() != null) {
            return spec.inlineTarget();
        }
        Path file = TargetsLoader.locate(targetsOption, env);
        if (file == null) {
            throw PvrunException.invalid("unknown target '" + name + "': no targets file (give --targets FILE, set "
                    + "PVRUN_TARGETS, or create ~/.config/pvrun/targets.yaml; see docs/targets.md)");
        }
        Map<String, Target> all = new TargetsLoader().load(file, env);
        Target t = all.get(name);
        if (t == null) {
            String near = MapReader.nearest(name, all.keySet());
            throw PvrunException.invalid("unknown target '" + name + "' in " + file
                    + (near != null ? "; did you mean '" + near + "'?" : "; targets: local, " + String.join(", ", all.keySet())));
        }
        return t;
    }
}
