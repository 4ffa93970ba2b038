package org.pvrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.results.ManifestIO;
import org.pvrun.run.StateDir;
import picocli.CommandLine.Parameters;

/** RUN: the recorded run a command is about, as users name it. */
final class RunArgument {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN",
            description = "A run: its id (or a unique prefix), its directory, or its manifest.json; default: the newest"
                    + " run (cancel and rerun need it).")
    String run;

    boolean given() {
        return run != null;
    }

    /** The run's directory: a manifest.json's folder, a run directory, a recorded run id or prefix, else the newest. */
    Path dir(Map<String, String> env) {
        if (run != null && Files.isRegularFile(Path.of(run)) && Path.of(run).getFileName().toString().equals(ManifestIO.FILE)) {
            return Path.of(run).toAbsolutePath().normalize().getParent();
        }
        try {
            return new StateDir(env).resolve(run);
        } catch (IOException e) {
            throw PvrunException.environment("cannot read the run index: " + e.getMessage(), e);
        }
    }
}
