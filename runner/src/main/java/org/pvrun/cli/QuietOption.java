package org.pvrun.cli;

import picocli.CommandLine.Option;

/** {@code -q}, for the commands that report their progress. */
final class QuietOption {
    @Option(names = {"-q", "--quiet"}, description = "Print only errors and the answer (a rerun's verdict, where serve listens).")
    boolean quiet;
}
