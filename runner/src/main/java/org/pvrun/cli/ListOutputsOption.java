package org.pvrun.cli;

import picocli.CommandLine.Option;

/** {@code --list-outputs}, for the commands that end with a run's summary (which otherwise counts the outputs). */
final class ListOutputsOption {
    @Option(names = "--list-outputs", description = "List every output file at the end (also with -v); by default a run with more "
            + "than 5 outputs says how many and where.")
    boolean listOutputs;
}
