package org.pvrun.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.pvrun.job.TaskStatus;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.report.Baselines;
import org.pvrun.report.Comparisons;
import org.pvrun.results.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pvrun baseline RUN BASELINE_DIR}: make a run's images the baseline that 'pvrun compare' checks against. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = {"Promote a run's images to a baseline directory. "
                + "Afterwards BASELINE_DIR holds exactly the run's images; each file is replaced atomically.",
            "A run that did not succeed is refused unless --force."},
        footerHeading = "%nExample:%n",
        footer = "  pvrun baseline results/quickstart/20261126-051500-3fa2c1 baselines/quickstart")
public final class BaselineCommand extends PvrunSubcommand {
    @Mixin
    QuietOption quiet;

    @Mixin
    BaselineArguments args;

    @Option(names = "--force",
            description = "Promote a run whose status is not 'succeeded' (images of failed tasks already in BASELINE_DIR are kept).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Path runDir = Comparisons.runDir(args.run);
        Path dir = args.dir;
        Manifest m = Comparisons.readManifest(runDir);
        if (!TaskStatus.succeeded(m.status()) && !force) {
            throw PvrunException.invalid("run " + m.pipeline() + "/" + m.runId() + " " + m.status()
                    + ": a baseline should come from a good run; promote it anyway with --force");
        }
        Baselines.Promotion p;
        try {
            p = Baselines.promote(runDir, m, dir);
        } catch (IOException e) {
            throw PvrunException.environment("baseline: cannot read or write " + e.getMessage() + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (!quiet.quiet) {
            print("wrote", p.written());
            print("unchanged", p.unchanged());
            print("removed", p.removed());
            print("kept", p.kept());
            parent.out.printf("pvrun: baseline %s from run %s/%s: %d written, %d unchanged, %d removed%s%n",
                    CompareCommand.shown(dir), m.pipeline(), m.runId(), p.written().size(), p.unchanged().size(),
                    p.removed().size(), p.kept().isEmpty() ? "" : ", " + p.kept().size() + " kept (their tasks did not succeed)");
        }
        return ExitCode.OK;
    }

    private void print(String what, List<Path> files) {
        for (Path f : files) {
            parent.out.printf("%-10s %s%n", what, CompareCommand.shown(f));
        }
    }
}
