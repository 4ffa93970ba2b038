package org.pvrun.cli;

import java.nio.file.Path;

import picocli.CommandLine.Parameters;

/** RUN BASELINE_DIR, of {@code compare} and {@code baseline}: a finished run here, and a baseline directory. */
final class BaselineArguments {
    @Parameters(index = "0", paramLabel = "RUN", description = "A run directory (results/NAME/RUN-ID) or its manifest.json.")
    Path run;

    @Parameters(index = "1", paramLabel = "BASELINE_DIR",
            description = "The baseline directory: BASELINE_DIR/NNNN/<path in the task> ('baseline' creates it if missing).")
    Path dir;
}
