package org.pvrun.cli;

import org.pvrun.run.Interruption;
import org.pvrun.run.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pvrun fetch [RUN]}: reattach to a run, wait for its jobs, collect and verify its results. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Reattach to a run (after --detach, or a runner that was killed), wait for its jobs, "
                + "retry failed tasks if the spec says so, and collect the results with their manifest.",
        footerHeading = "%nExamples:%n", footer = {"  pvrun fetch", "  pvrun fetch 20261126-051500-3fa2c1"})
public final class FetchCommand extends AttachCommand {
    @Mixin
    JsonOption json;

    @Mixin
    QuietOption quiet;

    @Mixin
    ListOutputsOption list;

    @Override
    public Integer call() throws Exception {
        var dir = runDir();
        Interruption.install();
        RunResult r = engine(quiet.quiet || json.json, json.json, list.listOutputs).follow(dir);
        // baseline, --junit and report: as the run that started it would have, had it not been detached
        int exit = AfterRun.apply(r, r.exitCode(), new AfterRun.Out(json.json ? parent.err : parent.out, parent.err,
                quiet.quiet, verbose()));
        if (json.json && r.manifest() != null) {
            printJson(JsonOption.of(r));
        }
        return exit;
    }
}
