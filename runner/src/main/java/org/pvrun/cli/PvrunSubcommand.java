package org.pvrun.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.pvrun.results.ManifestIO;
import org.pvrun.run.RunOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every pvrun command has: the top-level command's streams and environment, and {@code -v/--verbose},
 * which {@link PvrunCommand} declares once for all of them.
 */
abstract class PvrunSubcommand implements Callable<Integer> {
    @ParentCommand
    PvrunCommand parent;

    @Spec
    CommandSpec spec;

    boolean verbose() {
        return parent.verbose;
    }

    /** How the engine prints for this command; with JSON on stdout, its lines go to stderr. */
    RunOptions runOptions(Path results, boolean dryRun, boolean quiet, boolean jsonOnStdout) {
        return new RunOptions(results, dryRun, parent.verbose, quiet, jsonOnStdout ? parent.err : parent.out,
                parent.err, parent.env);
    }

    void printJson(Object value) throws java.io.IOException {
        parent.out.println(ManifestIO.JSON.writeValueAsString(value));
    }

    /** Exit 2 as picocli says it when a required argument is missing, for an argument a shared mixin declares. */
    CommandLine.ParameterException missing(String what) {
        return new CommandLine.ParameterException(spec.commandLine(), "Missing required " + what);
    }
}
