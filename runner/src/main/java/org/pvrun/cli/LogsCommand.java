package org.pvrun.cli;

import java.util.concurrent.Callable;

import org.pvrun.ExitCode;
import org.pvrun.run.Engine;
import org.pvrun.run.Interruption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pvrun logs RUN [--task N] [--follow]}: a task's log, from the target while the run is in progress. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a task's log (stdout and stderr of the script); from the target while the run is in progress.",
        footerHeading = "%nExamples:%n", footer = {"  pvrun logs 20261126-0515 --task 3", "  pvrun logs --follow"})
public final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    PvrunCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (or a unique prefix), or run directory.")
    String run;

    @Option(names = {"-t", "--task"}, paramLabel = "N", defaultValue = "0", description = "Task number (default 0).")
    int task;

    @Option(names = {"-f", "--follow"}, description = "Keep printing until the task has finished.")
    boolean follow;

    @Option(names = "--accept-new-host-key", description = "Accept an SSH host key not yet in known_hosts.")
    boolean acceptNewHostKey;

    @Override
    public Integer call() {
        var dir = RunSelector.resolve(run, parent.env);
        Interruption.install();
        new Engine(RunCommand.options(parent, false, false, false), new Engine.Options(acceptNewHostKey, false, false, null))
                .logs(dir, task, follow);
        return ExitCode.OK;
    }
}
