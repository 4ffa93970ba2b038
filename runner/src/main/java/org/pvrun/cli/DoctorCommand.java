package org.pvrun.cli;

import java.nio.file.Path;

import org.pvrun.run.Doctor;
import org.pvrun.run.Interruption;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;
import org.pvrun.spec.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pvrun doctor [SPEC] [-t TARGET]}: checks everything a run needs, one line each, with fixes. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check a target: the spec and targets file parse, SSH connects (host key, auth, jump hosts), "
                + "the scheduler answers, pvbatch is found and its version, MPI starts 2 cooperating ranks, and "
                + "offscreen rendering makes a non-blank image there (a real run through the scheduler). "
                + "Exit 0 only when every check passes, else 3.",
        footerHeading = "%nExamples:%n", footer = {"  pvrun doctor", "  pvrun doctor -t hopper", "  pvrun doctor pipelines/parallel.yaml"})
public final class DoctorCommand extends PvrunSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "A spec to check too (its target is the default).")
    Path spec;

    @Option(names = "--ranks", paramLabel = "N", defaultValue = "2", description = "MPI ranks for the check run (default 2).")
    int ranks;

    @Mixin
    TargetOptions targetOptions;

    @Override
    public Integer call() {
        PipelineSpec s = spec == null ? null : new SpecLoader().load(spec, java.util.Map.of(), parent.env);
        Target t = targetOptions.resolve(s != null ? s.target() : Target.LOCAL, s, parent.env);
        parent.out.println("pvrun doctor: target " + t.describe());
        if (s != null) {
            parent.out.printf("  %-4s %-18s %s%n", "ok", "spec", spec + " (" + s.name() + ")");
        }
        if (!Target.LOCAL.equals(t.name())) {
            parent.out.printf("  %-4s %-18s %s%n", "ok", "targets file", "target '" + t.name() + "' found");
        }
        Interruption.install();
        return new Doctor(runOptions(Path.of("results"), false, false, false), targetOptions.acceptNewHostKey()).run(t, ranks);
    }
}
