package org.pvrun.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** How the user asked for a run: where results go, what to print, the environment pvrun sees. */
public record RunOptions(Path resultsDir, boolean dryRun, boolean verbose, boolean quiet,
        PrintStream out, PrintStream err, Map<String, String> env) {}
