package org.pvrun.results;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.pvrun.job.TaskStatus;
import org.pvrun.util.Hashes;

/**
 * {@code --resume}: finds, among the earlier runs of a pipeline in the results folder, a successful task
 * with the same key and copies its outputs instead of running it again. Only complete runs count (their
 * manifest exists), and each reused file is checked against its recorded SHA-256 first; reading is all it
 * does to earlier runs, so concurrent runs cannot disturb each other through it.
 */
public final class ResumeCache {
    /** A task that can stand in: the run directory that holds it and its manifest record. */
    /** Beside a task's log: a split animation task's record of what it rendered (the driver's JSON). */
    public static final String FRAMES_RECORD = ".frames";

    public record Hit(Path runDir, String runId, Manifest.TaskRecord task) {
        public String reference() {
            return runId + "/tasks/" + String.format("%04d", task.index());
        }
    }

    private final Map<String, Hit> byKey = new HashMap<>();
    /** Tasks of a split animation that did not finish but logged frames (logs/NNNN.fdone), by key. */
    private final Map<String, Hit> partial = new HashMap<>();

    /** A frame an earlier attempt finished: its number, its path in the task folder, the file that holds it. */
    public record Frame(int number, String path, Path file) {}

    /** Indexes every successful task of the complete runs under {@code pipelineDir} (newest run wins). */
    public static ResumeCache scan(Path pipelineDir) throws IOException {
        ResumeCache c = new ResumeCache();
        if (!Files.isDirectory(pipelineDir)) {
            return c;
        }
        List<Path> runs;
        try (Stream<Path> s = Files.list(pipelineDir)) {
            runs = new ArrayList<>(s.filter(p -> Files.isRegularFile(p.resolve(ManifestIO.FILE))).sorted().toList());
        }
        for (Path run : runs) {
            Manifest m;
            try {
                m = ManifestIO.read(run.resolve(ManifestIO.FILE));
            } catch (IOException damaged) {
                continue;
            }
            for (Manifest.TaskRecord t : m.tasks()) {
                if (TaskStatus.succeeded(t.status()) && t.key() != null) {
                    c.byKey.put(t.key(), new Hit(run, m.runId(), t));
                } else if (t.key() != null && Files.isRegularFile(frameLog(run, t))) {
                    c.partial.put(t.key(), new Hit(run, m.runId(), t));
                }
            }
        }
        return c;
    }

    public Hit find(String key) {
        return byKey.get(key);
    }

    /** A task of the same key that did not finish but logged the frames it made, or null. */
    public Hit findPartial(String key) {
        return partial.get(key);
    }

    private static Path frameLog(Path run, Manifest.TaskRecord t) {
        return run.resolve("logs").resolve(String.format("%04d", t.index()) + ".fdone");
    }

    /**
     * The frames a partial hit's log lists whose files came back whole: in the task's folder, with the size and
     * SHA-256 of its output record (a frame cut off mid-write is not in the log; one changed since is left out).
     */
    public static List<Frame> frames(Hit hit) throws IOException {
        String prefix = "tasks/" + String.format("%04d", hit.task().index()) + "/";
        Map<String, Manifest.OutputRecord> byPath = new HashMap<>();
        hit.task().outputs().forEach(o -> byPath.put(o.path(), o));
        Map<Integer, Frame> out = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(frameLog(hit.runDir(), hit.task()))) {
            String[] kp = line.split(" ", 2);
            if (kp.length < 2 || !kp[0].matches("\\d{1,9}")) {
                continue;
            }
            Path rel = Path.of(kp[1]).normalize();
            if (rel.isAbsolute() || rel.startsWith("..")) {
                continue; // written outside the task folder: never collected
            }
            Manifest.OutputRecord o = byPath.get(prefix + rel);
            Path f = hit.runDir().resolve(prefix + rel);
            if (o != null && Files.isRegularFile(f) && Files.size(f) == o.bytes() && Hashes.sha256(f).equals(o.sha256())) {
                out.put(Integer.parseInt(kp[0]), new Frame(Integer.parseInt(kp[0]), rel.toString(), f));
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * Copies a hit's outputs (and log) into {@code runDir} under the new task's number; returns the new
     * output records, or null when a file is missing or no longer matches its hash.
     */
    public static List<Manifest.OutputRecord> copy(Hit hit, Path runDir, String taskId) throws IOException {
        String oldPrefix = "tasks/" + String.format("%04d", hit.task().index()) + "/";
        for (Manifest.OutputRecord o : hit.task().outputs()) {
            Path src = hit.runDir().resolve(o.path());
            if (!Files.isRegularFile(src) || Files.size(src) != o.bytes() || !Hashes.sha256(src).equals(o.sha256())) {
                return null;
            }
        }
        List<Manifest.OutputRecord> out = new ArrayList<>();
        for (Manifest.OutputRecord o : hit.task().outputs()) {
            String rel = o.path().startsWith(oldPrefix) ? o.path().substring(oldPrefix.length()) : Path.of(o.path()).getFileName().toString();
            String newPath = "tasks/" + taskId + "/" + rel;
            Path dest = runDir.resolve(newPath);
            Files.createDirectories(dest.getParent());
            link(hit.runDir().resolve(o.path()), dest);
            out.add(new Manifest.OutputRecord(newPath, o.bytes(), o.sha256()));
        }
        Path oldLog = hit.runDir().resolve(hit.task().log());
        if (Files.isRegularFile(oldLog)) {
            Path newLog = runDir.resolve("logs").resolve(taskId + ".log");
            Files.createDirectories(newLog.getParent());
            Files.copy(oldLog, newLog, StandardCopyOption.REPLACE_EXISTING);
        }
        // a split animation task's record of what it rendered, which the movie needs from every task
        Path oldRecord = hit.runDir().resolve("logs").resolve(String.format("%04d", hit.task().index()) + FRAMES_RECORD);
        if (Files.isRegularFile(oldRecord)) {
            Path newRecord = runDir.resolve("logs").resolve(taskId + FRAMES_RECORD);
            Files.createDirectories(newRecord.getParent());
            Files.copy(oldRecord, newRecord, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /** A hard link where the file system allows it (no bytes copied), else a copy. */
    private static void link(Path src, Path dest) throws IOException {
        try {
            Files.createLink(dest, src);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(src, dest, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
