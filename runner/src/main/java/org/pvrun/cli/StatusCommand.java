package org.pvrun.cli;

import java.util.concurrent.Callable;

import org.pvrun.ExitCode;
import org.pvrun.results.ManifestIO;
import org.pvrun.run.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pvrun status [RUN]}: where a run stands, asking the target when it is still running. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a run's state (default: the newest run); asks the target about a run still in progress.",
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun status", "  pvrun status 20261126-0515 --json"})
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    PvrunCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (or a unique prefix), or run directory.")
    String run;

    @Option(names = "--json", description = "Print the state as JSON.")
    boolean json;

    @Option(names = "--accept-new-host-key", description = "Accept an SSH host key not yet in known_hosts.")
    boolean acceptNewHostKey;

    @Override
    public Integer call() throws Exception {
        var dir = RunSelector.resolve(run, parent.env);
        Engine.StatusView v = new Engine(RunCommand.options(parent, false, false, false),
                new Engine.Options(acceptNewHostKey, false, false, null)).status(dir);
        if (json) {
            parent.out.println(ManifestIO.JSON.writeValueAsString(v));
        } else {
            parent.out.printf("%s  %s  on %s: %s%n", v.runId(), v.pipeline(), v.target(), v.status());
            parent.out.printf("  %d task%s: %d pending, %d running, %d done, %d failed%s%n", v.tasks(),
                    v.tasks() == 1 ? "" : "s", v.pending(), v.running(), v.done(), v.failed(),
                    v.reused() > 0 ? " (" + v.reused() + " reused)" : "");
            if (!v.jobIds().isEmpty()) {
                parent.out.println("  jobs: " + String.join(" ", v.jobIds()));
            }
            parent.out.println("  " + v.runDir());
        }
        return ExitCode.OK;
    }
}
