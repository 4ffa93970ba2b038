package org.pvrun.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;

/**
 * Compares every image a run produced with the image of the same name in a baseline directory.
 *
 * <p>Baseline layout (docs/regression.md): {@code BASELINE/NNNN/<path within the task>}, the run's
 * {@code tasks/} folder without the {@code tasks/} prefix, so a baseline directory is what
 * {@code pvrun baseline} writes and what a user can assemble by hand from {@code RUN/tasks/}. An image is
 * named by that relative path ({@code 0000/contour.png}) everywhere: in the output, the JSON and JUnit.
 * An image in only one of the two is a failure; so is an unreadable one. Difference images go to
 * {@code RUN/compare/NNNN/<path without extension>.diff.png}, and all results to
 * {@code RUN/compare/results.json}; a new comparison replaces both.
 */
public final class Comparisons {
    /** What ImageIO reads on every Java 17 (TIFF since Java 9). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "bmp");
    /** The folder in the run directory for difference images and results.json. */
    public static final String DIR = "compare";
    public static final String RESULTS_FILE = "results.json";
    static final String TASKS = "tasks/";

    private Comparisons() {}

    /**
     * Compares the run's images with the baseline's, writes difference images and results.json under
     * {@code RUN/compare/}, and returns one result per image name found in either, sorted by name.
     *
     * @throws PvrunException (exit 2) when the baseline directory does not exist
     */
    public static List<ComparisonResult> compare(Path runDir, Manifest m, Path baselineDir,
            ImageComparison.Thresholds t) throws IOException {
        if (!Files.isDirectory(baselineDir)) {
            throw PvrunException.invalid("baseline directory not found: " + baselineDir
                    + " (create one with 'pvrun baseline RUN " + baselineDir + "')");
        }
        SortedMap<String, Path> run = runImages(runDir, m);
        SortedMap<String, Path> base = baselineImages(baselineDir);
        Path out = runDir.resolve(DIR);
        deleteTree(out); // diff images of an earlier comparison would be mistaken for this one's
        Set<String> names = new TreeSet<>(run.keySet());
        names.addAll(base.keySet());
        List<ComparisonResult> results = new ArrayList<>();
        for (String name : names) {
            Path baseline = base.containsKey(name) ? base.get(name) : baselineDir.resolve(name);
            results.add(ImageComparison.compare(name, run.get(name), baseline, t, diffImagePath(runDir, name)));
        }
        Files.createDirectories(out);
        ManifestIO.writeAtomically(out.resolve(RESULTS_FILE),
                ManifestIO.JSON.writeValueAsBytes(toJson(runDir, baselineDir, t, results)));
        return results;
    }

    /** The run's image outputs by baseline name ({@code tasks/0000/a/b.png} → {@code 0000/a/b.png}). */
    public static SortedMap<String, Path> runImages(Path runDir, Manifest m) {
        SortedMap<String, Path> images = new TreeMap<>();
        for (Manifest.TaskRecord task : m.tasks() == null ? List.<Manifest.TaskRecord>of() : m.tasks()) {
            for (Manifest.OutputRecord o : task.outputs() == null ? List.<Manifest.OutputRecord>of() : task.outputs()) {
                String path = o.path().replace('\\', '/');
                Path file = runDir.resolve(path).normalize();
                if (isImage(path) && file.startsWith(runDir.normalize())) {
                    images.put(baselineName(path), file);
                }
            }
        }
        return images;
    }

    /** Every image file under the baseline directory by relative name; hidden files (temporaries) left out. */
    public static SortedMap<String, Path> baselineImages(Path baselineDir) throws IOException {
        SortedMap<String, Path> images = new TreeMap<>();
        try (Stream<Path> s = Files.walk(baselineDir)) {
            s.filter(Files::isRegularFile).forEach(f -> {
                Path rel = baselineDir.relativize(f);
                String name = rel.toString().replace('\\', '/');
                boolean hidden = false;
                for (Path part : rel) {
                    hidden |= part.toString().startsWith(".");
                }
                if (!hidden && isImage(name)) {
                    images.put(name, f);
                }
            });
        }
        return images;
    }

    public static boolean isImage(String path) {
        int dot = path.lastIndexOf('.');
        return dot > path.lastIndexOf('/') && IMAGE_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** A run output's name in the baseline: its path in the run directory without {@code tasks/}. */
    public static String baselineName(String outputPath) {
        String p = outputPath.replace('\\', '/');
        return p.startsWith(TASKS) ? p.substring(TASKS.length()) : p;
    }

    /** {@code RUN/compare/0000/sub/contour.diff.png} for the image named {@code 0000/sub/contour.png}. */
    public static Path diffImagePath(Path runDir, String name) {
        int dot = name.lastIndexOf('.');
        String stem = dot > name.lastIndexOf('/') ? name.substring(0, dot) : name;
        return runDir.resolve(DIR).resolve(stem + ".diff.png");
    }

    /**
     * The comparison as documented JSON ({@code pvrun compare --json} and RUN/compare/results.json): paths
     * in the run relative to the run directory, baseline paths absolute; fields that do not apply are left out.
     */
    public static ObjectNode toJson(Path runDir, Path baselineDir, ImageComparison.Thresholds t,
            List<ComparisonResult> results) {
        ObjectNode root = ManifestIO.JSON.createObjectNode();
        root.put("run_dir", runDir.toAbsolutePath().normalize().toString());
        root.put("baseline_dir", baselineDir.toAbsolutePath().normalize().toString());
        root.put("tolerance", t.tolerance());
        root.put("max_fraction", t.maxFraction());
        root.put("shift", t.shift());
        long failed = results.stream().filter(r -> !r.passed()).count();
        root.put("images", results.size());
        root.put("passed", results.size() - failed);
        root.put("failed", failed);
        var list = root.putArray("results");
        for (ComparisonResult r : results) {
            ObjectNode n = list.addObject();
            n.put("name", r.name());
            n.put("status", r.status().word());
            putIf(n, "reason", r.reason());
            putIf(n, "image", relative(runDir, r.image()));
            putIf(n, "baseline", r.baseline() == null ? null : r.baseline().toAbsolutePath().normalize().toString());
            if (r.width() != null) {
                n.put("width", r.width());
                n.put("height", r.height());
            }
            if (r.differingPixels() != null) {
                n.put("differing_pixels", r.differingPixels());
                n.put("differing_fraction", r.differingFraction());
                n.put("max_difference", r.maxDifference());
            }
            putIf(n, "diff_image", relative(runDir, r.diffImage()));
        }
        return root;
    }

    /** A path relative to the run directory when it is inside it, else absolute. */
    static String relative(Path runDir, Path p) {
        if (p == null) {
            return null;
        }
        Path abs = p.toAbsolutePath().normalize();
        Path run = runDir.toAbsolutePath().normalize();
        return (abs.startsWith(run) ? run.relativize(abs) : abs).toString().replace('\\', '/');
    }

    private static void putIf(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }

    /** The run directory for a run directory or its manifest.json; exit 2 when it holds no manifest. */
    public static Path runDir(Path runOrManifest) {
        Path dir = Files.isRegularFile(runOrManifest) ? runOrManifest.toAbsolutePath().getParent() : runOrManifest;
        if (!Files.isRegularFile(dir.resolve(ManifestIO.FILE))) {
            throw PvrunException.invalid("not a finished run: " + dir.resolve(ManifestIO.FILE) + " not found"
                    + (Files.isDirectory(runOrManifest) ? "" : " (give a run directory, results/NAME/RUN-ID)"));
        }
        return dir;
    }

    /** Reads a run's manifest; exit 2 when it is not a manifest pvrun can read. */
    public static Manifest readManifest(Path runDir) {
        Path file = runDir.resolve(ManifestIO.FILE);
        try {
            return ManifestIO.read(file);
        } catch (IOException e) {
            throw PvrunException.invalid("cannot read " + file + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // gone already
                }
            }
        }
    }

    /**
     * A warning when the baseline's {@code baseline.json} says it was made from another pipeline than the run's (its
     * images then rarely correspond, and "12 of 12 regressed" would hide why), else null; also null without the file.
     */
    public static String otherPipeline(Path baseline, Manifest m) {
        Path info = baseline.resolve(Baselines.INFO_FILE);
        if (!Files.isRegularFile(info)) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode j = ManifestIO.JSON.readTree(info.toFile());
            String from = j.path("pipeline").asText(null);
            if (from == null || from.equals(m.pipeline())) {
                return null;
            }
            return "baseline " + baseline + " was made from pipeline " + from
                    + (j.hasNonNull("run_id") ? " (run " + j.get("run_id").asText() + ")" : "") + ", this run is of pipeline "
                    + m.pipeline() + ": are these the images to compare?";
        } catch (IOException unreadable) {
            return null;
        }
    }
}
