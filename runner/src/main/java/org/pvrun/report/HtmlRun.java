package org.pvrun.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;

/** What the report reads from the run directory besides the manifest record: the manifest's JSON and the comparison. */
final class HtmlRun {
    private static final ObjectWriter COMPACT = ManifestIO.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    /** What {@code RUN/compare/results.json} says, or why it could not be read. */
    record Compared(JsonNode root, List<ComparisonResult> results, String error) {}

    private HtmlRun() {}

    /**
     * The manifest as JSON: the record's fields, plus any field of {@code RUN/manifest.json} the record does
     * not know (written by a newer pvrun), at the top level and in each task.
     */
    static ObjectNode manifestJson(Path runDir, Manifest m) {
        ObjectNode tree = ManifestIO.JSON.valueToTree(m);
        Path file = runDir.resolve(ManifestIO.FILE);
        if (!Files.isRegularFile(file)) {
            return tree;
        }
        JsonNode disk;
        try {
            disk = ManifestIO.JSON.readTree(file.toFile());
        } catch (IOException e) {
            return tree;
        }
        if (!disk.isObject() || !Objects.equals(disk.path("run_id").asText(null), m.runId())) {
            return tree;
        }
        disk.fields().forEachRemaining(e -> {
            if (!tree.has(e.getKey())) {
                tree.set(e.getKey(), e.getValue());
            }
        });
        JsonNode a = tree.path("tasks");
        JsonNode b = disk.path("tasks");
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof ObjectNode to && b.get(i).isObject()) {
                    b.get(i).fields().forEachRemaining(e -> {
                        if (!to.has(e.getKey())) {
                            to.set(e.getKey(), e.getValue());
                        }
                    });
                }
            }
        }
        return tree;
    }

    /** {@code RUN/compare/results.json} as comparison results; no results when there is none. */
    static Compared readComparison(Path runDir) {
        Path file = runDir.resolve(Comparisons.DIR).resolve(Comparisons.RESULTS_FILE);
        if (!Files.isRegularFile(file)) {
            return new Compared(null, List.of(), null);
        }
        try {
            JsonNode root = ManifestIO.JSON.readTree(file.toFile());
            List<ComparisonResult> out = new ArrayList<>();
            for (JsonNode r : root.path("results")) {
                out.add(new ComparisonResult(r.path("name").asText(),
                        "passed".equals(r.path("status").asText()) ? ComparisonResult.Status.PASSED : ComparisonResult.Status.FAILED,
                        r.path("reason").asText(null), inRun(runDir, r.path("image").asText(null)),
                        r.hasNonNull("baseline") ? Path.of(r.get("baseline").asText()) : null,
                        r.hasNonNull("width") ? r.get("width").asInt() : null,
                        r.hasNonNull("height") ? r.get("height").asInt() : null,
                        r.hasNonNull("differing_pixels") ? r.get("differing_pixels").asLong() : null,
                        r.hasNonNull("differing_fraction") ? r.get("differing_fraction").asDouble() : null,
                        r.hasNonNull("max_difference") ? r.get("max_difference").asInt() : null,
                        inRun(runDir, r.path("diff_image").asText(null))));
            }
            return new Compared(root, out, null);
        } catch (IOException | RuntimeException e) {
            return new Compared(null, List.of(), "compare/results.json could not be read: " + e.getMessage());
        }
    }

    /** A path the comparison recorded relative to the run directory; null when absent or outside it. */
    private static Path inRun(Path runDir, String rel) {
        if (rel == null) {
            return null;
        }
        Path p = runDir.resolve(rel).normalize();
        return p.startsWith(runDir) ? p : null;
    }

    static String thresholds(JsonNode r) {
        try {
            return new ImageComparison.Thresholds(r.path("tolerance").asInt(), r.path("max_fraction").asDouble(),
                    r.path("shift").asInt()).toString();
        } catch (IllegalArgumentException e) {
            return "tolerance " + r.path("tolerance").asText() + ", max fraction " + r.path("max_fraction").asText()
                    + ", shift " + r.path("shift").asText();
        }
    }

    /** A param value as people write it: strings bare, everything else as compact JSON. */
    static String value(Object v) {
        if (v == null || v instanceof String) {
            return String.valueOf(v);
        }
        try {
            return COMPACT.writeValueAsString(v);
        } catch (IOException e) {
            return String.valueOf(v);
        }
    }
}
