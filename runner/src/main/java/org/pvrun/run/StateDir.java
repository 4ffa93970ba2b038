package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import org.pvrun.PvrunException;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.XdgDirs;

/**
 * Where pvrun remembers its runs, so that any process can find them by id: {@code $PVRUN_STATE}, else
 * {@code $XDG_STATE_HOME/pvrun}, else {@code ~/.local/state/pvrun}. Each run has one small file
 * {@code runs/<run-id>.json} pointing at its run directory; the run's own record is there (run.json).
 */
public final class StateDir {
    /** An entry of the index. */
    public record Entry(String runId, String pipeline, String target, String runDir, String created) {}

    private final Path root;

    public StateDir(Map<String, String> env) {
        String s = env.get("PVRUN_STATE");
        if (s != null && !s.isBlank()) {
            root = Path.of(s);
        } else {
            root = XdgDirs.stateHome(env).resolve("pvrun");
        }
    }

    public Path root() {
        return root;
    }

    /** A small cache of this directory ({@code name} is a JSON object of strings); empty when absent or damaged. */
    public Map<String, String> readCache(String name) {
        Path f = root.resolve(name);
        if (!Files.exists(f)) {
            return new HashMap<>();
        }
        try {
            return new HashMap<>(ManifestIO.JSON.readValue(f.toFile(), new TypeReference<Map<String, String>>() {}));
        } catch (IOException damaged) {
            return new HashMap<>();
        }
    }

    /** Writes a cache atomically; a cache that cannot be written only costs time, so failures are ignored. */
    public void writeCache(String name, Map<String, String> entries) {
        try {
            Files.createDirectories(root);
            ManifestIO.writeAtomically(root.resolve(name), ManifestIO.JSON.writeValueAsBytes(entries));
        } catch (IOException e) {
            // see above
        }
    }

    public void add(Entry e) throws IOException {
        Path runs = Files.createDirectories(root.resolve("runs"));
        ManifestIO.writeAtomically(runs.resolve(e.runId() + ".json"), ManifestIO.JSON.writeValueAsBytes(e));
    }

    /** Forgets a run (its directory is gone or going); a run that was never recorded is no error. */
    public void remove(String runId) throws IOException {
        Files.deleteIfExists(root.resolve("runs").resolve(runId + ".json"));
    }

    /** Every recorded run, newest first; entries whose run directory is gone are skipped. */
    public List<Entry> list() throws IOException {
        Path runs = root.resolve("runs");
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (Stream<Path> s = Files.list(runs)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                try {
                    Entry e = ManifestIO.JSON.readValue(f.toFile(), Entry.class);
                    if (Files.isDirectory(Path.of(e.runDir()))) {
                        out.add(e);
                    }
                } catch (IOException damaged) {
                    // a half-written entry from a crash: not a run we can show
                }
            }
        }
        out.sort(Comparator.comparing(Entry::runId).reversed());
        return out;
    }

    /**
     * The run directory a user means: a path to a run directory, a run id, a unique prefix of one, or
     * nothing for the newest run. Exit 2 when it names no run or several.
     */
    public Path resolve(String run) throws IOException {
        if (run != null) {
            Path p = Path.of(run);
            if (Files.isDirectory(p) && (Files.exists(p.resolve(RunRecord.FILE)) || Files.exists(p.resolve(ManifestIO.FILE)))) {
                return p.toAbsolutePath().normalize();
            }
        }
        List<Entry> all = list();
        if (run == null) {
            if (all.isEmpty()) {
                throw PvrunException.invalid("no runs recorded in " + root + " yet");
            }
            return Path.of(all.get(0).runDir());
        }
        List<Entry> matches = all.stream().filter(e -> e.runId().startsWith(run)).toList();
        if (matches.isEmpty()) {
            throw PvrunException.invalid("no run '" + run + "' (not a run directory, and no recorded run id starts with it; "
                    + "see pvrun list)");
        }
        if (matches.size() > 1 && matches.stream().noneMatch(e -> e.runId().equals(run))) {
            throw PvrunException.invalid("'" + run + "' matches " + matches.size() + " runs: "
                    + String.join(", ", matches.stream().limit(5).map(Entry::runId).toList()) + " ...; give more of the id");
        }
        return Path.of(matches.stream().filter(e -> e.runId().equals(run)).findFirst().orElse(matches.get(0)).runDir());
    }
}
