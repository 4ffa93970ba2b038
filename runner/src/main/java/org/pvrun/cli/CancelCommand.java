package org.pvrun.cli;

import java.util.concurrent.Callable;

import org.pvrun.ExitCode;
import org.pvrun.run.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pvrun cancel RUN}: cancel a run's jobs on its target. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a run's jobs on its target.",
        footerHeading = "%nExample:%n", footer = "  pvrun cancel 20261126-051500-3fa2c1")
public final class CancelCommand implements Callable<Integer> {
    @ParentCommand
    PvrunCommand parent;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id (or a unique prefix), or run directory.")
    String run;

    @Option(names = "--accept-new-host-key", description = "Accept an SSH host key not yet in known_hosts.")
    boolean acceptNewHostKey;

    @Override
    public Integer call() {
        var dir = RunSelector.resolve(run, parent.env);
        new Engine(RunCommand.options(parent, false, false, false), new Engine.Options(acceptNewHostKey, false, false, null))
                .cancel(dir);
        return ExitCode.OK;
    }
}
