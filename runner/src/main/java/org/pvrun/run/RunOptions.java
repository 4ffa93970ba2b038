package org.pvrun.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the user asked for a run: where results go, what to print ({@code listOutputs}: every output file, not a
 * count; {@code allTasks}: a dry run lists every task, not a large plan's ends), the environment pvrun sees.
 */
public record RunOptions(Path resultsDir, boolean dryRun, boolean verbose, boolean quiet,
        PrintStream out, PrintStream err, Map<String, String> env, boolean listOutputs, boolean allTasks) {
    public RunOptions(Path resultsDir, boolean dryRun, boolean verbose, boolean quiet, PrintStream out,
            PrintStream err, Map<String, String> env) {
        this(resultsDir, dryRun, verbose, quiet, out, err, env, false, false);
    }

    public RunOptions listingOutputs(boolean list) {
        return new RunOptions(resultsDir, dryRun, verbose, quiet, out, err, env, list, allTasks);
    }

    public RunOptions listingAllTasks(boolean all) {
        return new RunOptions(resultsDir, dryRun, verbose, quiet, out, err, env, listOutputs, all);
    }
}
