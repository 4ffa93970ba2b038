package org.pvrun.cli;

import org.pvrun.ExitCode;
import org.pvrun.run.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pvrun status [RUN]}: where a run stands, asking the target when it is still running. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a run's state (default: the newest run); asks the target about a run still in progress.",
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun status", "  pvrun status 20261126-0515 --json"})
public final class StatusCommand extends AttachCommand {
    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        Engine.StatusView v = engine(false, json.json).status(runDir());
        if (json.json) {
            printJson(v);
        } else {
            parent.out.printf("%s  %s  on %s: %s%n", v.runId(), v.pipeline(), v.target(), v.status());
            parent.out.println("  " + v.counts().words());
            if (!v.jobIds().isEmpty()) {
                parent.out.println("  jobs: " + String.join(" ", v.jobIds()));
            }
            parent.out.println("  " + v.runDir());
        }
        return ExitCode.OK;
    }
}
