package org.pvrun.cli;

import java.nio.file.Path;
import java.util.List;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.plan.Planner;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.ScriptSyntax;
import org.pvrun.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pvrun validate SPEC...}: check specs without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check pipeline specs without running them (the spec, its files, and that the script compiles as Python); exit 2 if any is invalid.",
        footerHeading = "%nExample:%n", footer = "  pvrun validate pipelines/*.yaml")
public final class ValidateCommand extends PvrunSubcommand {
    @Mixin
    QuietOption quiet;

    @Parameters(arity = "1..*", paramLabel = "SPEC.yaml", description = "Pipeline specs to check.")
    List<Path> specs;

    @Override
    public Integer call() throws InterruptedException {
        int worst = ExitCode.OK;
        SpecLoader loader = new SpecLoader();
        for (Path p : specs) {
            try {
                PipelineSpec s = loader.load(p, null);
                String syntax = s.state() != null ? null : ScriptSyntax.check(s.script(), "python3");
                if (syntax != null) {
                    throw PvrunException.invalid(syntax);
                }
                int tasks = Planner.plan(s).tasks().size();
                if (!quiet.quiet) {
                    parent.out.println(p + ": ok (" + s.name() + ", " + tasks + " task" + (tasks == 1 ? "" : "s")
                            + ", " + s.ranks() + " rank" + (s.ranks() == 1 ? "" : "s") + ")");
                }
            } catch (PvrunException e) {
                parent.err.println(e.getMessage());
                if (verbose()) {
                    e.printStackTrace(parent.err);
                }
                worst = Math.max(worst, e.exitCode());
            }
        }
        return worst;
    }
}
