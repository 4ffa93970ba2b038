package org.pvrun.cli;

import java.nio.file.Path;
import java.util.Map;

import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that reaches a target by name: which, where targets are defined, how to connect. */
final class TargetOptions {
    @Option(names = {"-t", "--target"}, paramLabel = "TARGET",
            description = "A target of the targets file, 'local' (this machine) or 'inline' (the spec's own target:);"
                    + " default: the spec's target, else local (rerun: the recorded one; serve needs it).")
    String target;

    @Option(names = "--targets", paramLabel = "FILE",
            description = "Targets file (default: $PVRUN_TARGETS, else ~/.config/pvrun/targets.yaml).")
    Path targets;

    @Mixin
    ConnectOptions connect;

    /** The target -t names, else {@code otherwise}; {@code spec} for its inline target, or null. */
    Target resolve(String otherwise, PipelineSpec spec, Map<String, String> env) {
        return Targets.resolve(target != null ? target : otherwise, spec, targets, env);
    }

    boolean acceptNewHostKey() {
        return connect.acceptNewHostKey;
    }
}
