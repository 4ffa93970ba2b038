package org.pvrun.report;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.job.TaskStatus;
import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Hashes;

/**
 * Promotes a run's images to a baseline directory ({@code pvrun baseline RUN DIR}), in the layout
 * {@link Comparisons} reads: {@code DIR/NNNN/<path within the task>}. Afterwards the baseline holds exactly
 * the run's images: images the run did not produce are removed, except those of tasks that did not
 * succeed (a forced promotion of a failed run keeps what it cannot replace). Each file is copied under a
 * temporary name and renamed, so a comparison running at the same time sees the old or the new image,
 * never half of one. {@code DIR/baseline.json} records which run the images came from.
 */
public final class Baselines {
    public static final String INFO_FILE = "baseline.json";

    /** What a promotion did, as paths in the baseline directory. */
    public record Promotion(List<Path> written, List<Path> unchanged, List<Path> removed, List<Path> kept) {}

    private Baselines() {}

    /**
     * Copies the run's images into {@code dir}. Checks every image against the SHA-256 the manifest
     * recorded before writing anything.
     *
     * @throws PvrunException (exit 2) when the run has no images or an image changed since the run
     */
    public static Promotion promote(Path runDir, Manifest m, Path dir) throws IOException {
        SortedMap<String, Manifest.OutputRecord> images = new TreeMap<>();
        Set<String> unfinishedTasks = new HashSet<>();
        for (Manifest.TaskRecord t : m.tasks() == null ? List.<Manifest.TaskRecord>of() : m.tasks()) {
            if (!TaskStatus.succeeded(t.status())) {
                unfinishedTasks.add(String.format(Locale.ROOT, "%04d", t.index()));
            }
            for (Manifest.OutputRecord o : t.outputs() == null ? List.<Manifest.OutputRecord>of() : t.outputs()) {
                if (Comparisons.isImage(o.path())) {
                    images.put(Comparisons.baselineName(o.path()), o);
                }
            }
        }
        if (images.isEmpty()) {
            throw PvrunException.invalid("the run " + runDir + " has no image outputs to promote (images are "
                    + String.join(", ", new java.util.TreeSet<>(Comparisons.IMAGE_EXTENSIONS)) + " files)");
        }
        Path base = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, Manifest.OutputRecord> e : images.entrySet()) {
            Path src = runDir.resolve(e.getValue().path());
            if (!base.resolve(e.getKey()).normalize().startsWith(base)) {
                throw PvrunException.invalid("output path leaves the baseline directory: " + e.getValue().path());
            }
            if (!Files.isRegularFile(src)) {
                throw PvrunException.invalid("image missing from the run: " + src);
            }
            if (e.getValue().sha256() != null && !e.getValue().sha256().equals(Hashes.sha256(src))) {
                throw PvrunException.invalid(src + " changed since the run: its SHA-256 differs from the manifest's;"
                        + " a baseline must be what the run produced");
            }
        }

        Files.createDirectories(base);
        List<Path> written = new ArrayList<>();
        List<Path> unchanged = new ArrayList<>();
        for (Map.Entry<String, Manifest.OutputRecord> e : images.entrySet()) {
            Path dest = base.resolve(e.getKey());
            if (Files.isRegularFile(dest) && e.getValue().sha256() != null
                    && e.getValue().sha256().equals(Hashes.sha256(dest))) {
                unchanged.add(dest);
                continue;
            }
            copyAtomically(runDir.resolve(e.getValue().path()), dest);
            written.add(dest);
        }

        List<Path> removed = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        for (Map.Entry<String, Path> e : Comparisons.baselineImages(base).entrySet()) {
            if (images.containsKey(e.getKey())) {
                continue;
            }
            String task = e.getKey().contains("/") ? e.getKey().substring(0, e.getKey().indexOf('/')) : "";
            if (unfinishedTasks.contains(task)) {
                kept.add(e.getValue());
            } else {
                Files.delete(e.getValue());
                removed.add(e.getValue());
                deleteEmptyParents(e.getValue().getParent(), base);
            }
        }
        writeInfo(runDir, m, base, images);
        return new Promotion(written, unchanged, removed, kept);
    }

    private static void writeInfo(Path runDir, Manifest m, Path base, SortedMap<String, Manifest.OutputRecord> images)
            throws IOException {
        ObjectNode info = ManifestIO.JSON.createObjectNode();
        info.put("pipeline", m.pipeline());
        info.put("run_id", m.runId());
        info.put("run_dir", runDir.toAbsolutePath().normalize().toString());
        info.put("run_status", m.status());
        if (m.paraviewVersion() != null) {
            info.put("paraview_version", m.paraviewVersion());
        }
        info.put("promoted", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        var list = info.putArray("images");
        images.forEach((name, o) -> list.addObject().put("name", name).put("sha256", o.sha256()));
        ManifestIO.writeAtomically(base.resolve(INFO_FILE), ManifestIO.JSON.writeValueAsBytes(info));
    }

    /** Copy under a hidden temporary name in the destination folder, then rename over the old file. */
    static void copyAtomically(Path src, Path dest) throws IOException {
        Files.createDirectories(dest.getParent());
        Path tmp = ManifestIO.temporaryFor(dest);
        try {
            Files.copy(src, tmp);
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteEmptyParents(Path dir, Path stop) throws IOException {
        for (Path d = dir; d != null && d.startsWith(stop) && !d.equals(stop); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (DirectoryNotEmptyException notEmpty) {
                return;
            }
        }
    }
}
