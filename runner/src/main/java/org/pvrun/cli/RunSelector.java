package org.pvrun.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.run.StateDir;

/** The run a command means: a run directory, a run id (or a unique prefix of one), or the newest run. */
final class RunSelector {
    private RunSelector() {}

    static Path resolve(String run, Map<String, String> env) {
        try {
            return new StateDir(env).resolve(run);
        } catch (IOException e) {
            throw PvrunException.environment("cannot read the run index: " + e.getMessage(), e);
        }
    }
}
