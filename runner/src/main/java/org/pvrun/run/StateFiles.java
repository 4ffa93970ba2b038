package org.pvrun.run;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.StateData;
import org.pvrun.spec.StateSpec;

/**
 * A state file's data matched with the run's inputs and resolved data, before anything is queued
 * (docs/state-files.md#data): what the task is told to load in place of each path the state names.
 */
final class StateFiles {
    private StateFiles() {}

    /**
     * @return what the run records and the task gets, or null without {@code state:}
     * @throws PvrunException exit 2 naming every data file that nothing matches
     */
    static RunRecord.StateRecord prepare(PipelineSpec spec, List<Manifest.DataRecord> data, String targetName,
            String targetVersion, PrintStream err) {
        StateSpec state = spec.state();
        if (state == null) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        spec.inputs().forEach(f -> names.add(f.name()));
        data.forEach(d -> names.add(d.name()));
        StateData.Match m = StateData.match(state.file().dataFiles(), names, state.files());
        if (!m.problems().isEmpty()) {
            throw PvrunException.invalid(state.where() + ": " + String.join("\n" + state.where() + ": ", m.problems())
                    + "\nnothing was submitted");
        }
        String saved = state.file().version();
        if (saved != null && targetVersion != null && !sameMinor(saved, targetVersion)) {
            err.println("pvrun: warning: " + spec.script().getFileName() + " was saved by ParaView " + saved
                    + ", target " + targetName + " has " + targetVersion + "; ParaView loads older states, but "
                    + "what a view shows may differ");
        }
        return new RunRecord.StateRecord(m.files(), state.resolution(), state.views(), saved);
    }

    /** 5.11.0 and 5.11.2 are one ParaView for a state; 5.10 and 5.11 are not. */
    static boolean sameMinor(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        return x.length >= 2 && y.length >= 2 && x[0].equals(y[0]) && x[1].equals(y[1]);
    }
}
