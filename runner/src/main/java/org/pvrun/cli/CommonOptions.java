package org.pvrun.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that report: verbosity. */
public final class CommonOptions {
    @Option(names = {"-v", "--verbose"}, description = "Print the commands pvrun runs, and stack traces on errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
    boolean quiet;
}
