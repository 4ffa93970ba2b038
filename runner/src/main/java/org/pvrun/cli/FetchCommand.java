package org.pvrun.cli;

import java.util.concurrent.Callable;

import org.pvrun.results.ManifestIO;
import org.pvrun.run.Engine;
import org.pvrun.run.Interruption;
import org.pvrun.run.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pvrun fetch [RUN]}: reattach to a run, wait for its jobs, collect and verify its results. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Reattach to a run (after --detach, or a runner that was killed), wait for its jobs, "
                + "retry failed tasks if the spec says so, and collect the results with their manifest.",
        footerHeading = "%nExamples:%n", footer = {"  pvrun fetch", "  pvrun fetch 20261126-051500-3fa2c1"})
public final class FetchCommand implements Callable<Integer> {
    @ParentCommand
    PvrunCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (or a unique prefix), or run directory.")
    String run;

    @Option(names = "--json", description = "Print the manifest plus run_dir on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
    boolean quiet;

    @Option(names = "--accept-new-host-key", description = "Accept an SSH host key not yet in known_hosts.")
    boolean acceptNewHostKey;

    @Override
    public Integer call() throws Exception {
        var dir = RunSelector.resolve(run, parent.env);
        Interruption.install();
        RunResult r = new Engine(RunCommand.options(parent, quiet || json, json, false),
                new Engine.Options(acceptNewHostKey, false, false, null)).follow(dir);
        if (json && r.manifest() != null) {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) ManifestIO.JSON.valueToTree(r.manifest());
            node.put("run_dir", r.runDir().toString());
            parent.out.println(ManifestIO.JSON.writeValueAsString(node));
        }
        return r.exitCode();
    }
}
