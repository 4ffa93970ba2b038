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
    public record Hit(Path runDir, String runId, Manifest.TaskRecord task) {
        public String reference() {
            return runId + "/tasks/" + String.format("%04d", task.index());
        }
    }

    private final Map<String, Hit> byKey = new HashMap<>();

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
                }
            }
        }
        return c;
    }

    public Hit find(String key) {
        return byKey.get(key);
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
