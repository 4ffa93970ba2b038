package org.pvrun.cli;

import org.pvrun.ExitCode;
import org.pvrun.run.Interruption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pvrun logs RUN [--task N] [--follow]}: a task's log, from the target while the run is in progress. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a task's log (stdout and stderr of the script); from the target while the run is in progress.",
        footerHeading = "%nExamples:%n", footer = {"  pvrun logs 20261126-0515 --task 3", "  pvrun logs --follow"})
public final class LogsCommand extends AttachCommand {
    @Option(names = {"-t", "--task"}, paramLabel = "N", defaultValue = "0", description = "Task number (default 0).")
    int task;

    @Option(names = {"-f", "--follow"}, description = "Keep printing until the task has finished.")
    boolean follow;

    @Override
    public Integer call() {
        var dir = runDir();
        Interruption.install();
        engine(false, false).logs(dir, task, follow);
        return ExitCode.OK;
    }
}
