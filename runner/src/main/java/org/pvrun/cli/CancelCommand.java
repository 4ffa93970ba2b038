package org.pvrun.cli;

import org.pvrun.ExitCode;
import picocli.CommandLine.Command;

/** {@code pvrun cancel RUN}: cancel a run's jobs on its target. */
@Command(name = "cancel", mixinStandardHelpOptions = true, customSynopsis = "pvrun cancel [OPTIONS] RUN",
        description = "Cancel a run's jobs on its target.",
        footerHeading = "%nExample:%n", footer = "  pvrun cancel 20261126-051500-3fa2c1")
public final class CancelCommand extends AttachCommand {
    @Override
    public Integer call() {
        if (!run.given()) {
            throw missing("parameter: 'RUN'"); // never the newest by default: cancelling is not undone
        }
        engine(false, false).cancel(runDir());
        return ExitCode.OK;
    }
}
