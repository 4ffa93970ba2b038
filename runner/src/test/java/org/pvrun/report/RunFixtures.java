package org.pvrun.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Hashes;

/**
 * Writes a finished run directory as pvrun leaves it (tasks/NNNN/ outputs, logs/NNNN.log, manifest.json)
 * without running ParaView. The manifest is written as JSON and read back through {@link ManifestIO}, so
 * the fixtures follow the manifest's documented field names rather than its Java constructor.
 */
public final class RunFixtures {
    /** One task: its status, reason, params, log text and image outputs (path within the task → image). */
    public record TaskFixture(String status, String reason, Integer exitCode, Map<String, Object> params, String log,
            Map<String, BufferedImage> images) {
        public static TaskFixture ok(Map<String, BufferedImage> images) {
            return new TaskFixture("succeeded", null, 0, Map.of(), "rendered\n", images);
        }
    }

    private RunFixtures() {}

    public static Path write(Path runDir, String pipeline, String status, List<TaskFixture> tasks) throws IOException {
        Files.createDirectories(runDir.resolve("logs"));
        ObjectNode m = ManifestIO.JSON.createObjectNode();
        m.put("manifest_version", 1);
        m.put("pipeline", pipeline);
        m.put("run_id", "20260101-000000-abcdef");
        m.put("status", status);
        m.put("target", "local");
        m.put("scheduler", "none");
        m.put("transport", "local");
        m.put("paraview_version", "5.11.0");
        m.put("script", "pipeline/contour.py");
        m.put("script_sha256", "0".repeat(64));
        m.put("host", "testhost");
        m.put("pvrun_version", "0.1.0-test");
        m.put("started", "2026-01-01T00:00:00.123Z");
        m.put("finished", "2026-01-01T00:00:07.500Z");
        m.put("duration_seconds", 7.377);
        ArrayNode list = m.putArray("tasks");
        for (int i = 0; i < tasks.size(); i++) {
            TaskFixture t = tasks.get(i);
            String id = String.format("%04d", i);
            ObjectNode n = list.addObject();
            n.put("index", i);
            n.set("params", ManifestIO.JSON.valueToTree(new LinkedHashMap<>(t.params())));
            n.put("status", t.status());
            if (t.exitCode() != null) {
                n.put("exit_code", t.exitCode());
            }
            if (t.reason() != null) {
                n.put("reason", t.reason());
            }
            n.put("log", "logs/" + id + ".log");
            Files.writeString(runDir.resolve("logs/" + id + ".log"), t.log(), StandardCharsets.UTF_8);
            ArrayNode outputs = n.putArray("outputs");
            for (Map.Entry<String, BufferedImage> e : t.images().entrySet()) {
                String rel = "tasks/" + id + "/" + e.getKey();
                Path file = TestImages.write(e.getValue(), runDir.resolve(rel));
                outputs.addObject().put("path", rel).put("bytes", Files.size(file)).put("sha256", Hashes.sha256(file));
            }
        }
        Files.write(runDir.resolve(ManifestIO.FILE), ManifestIO.JSON.writeValueAsBytes(m));
        return runDir;
    }

    public static Path oneImage(Path runDir, String name, BufferedImage img) throws IOException {
        return write(runDir, "fixture", "succeeded", List.of(TaskFixture.ok(Map.of(name, img))));
    }

    public static Manifest manifest(Path runDir) throws IOException {
        return ManifestIO.read(runDir.resolve(ManifestIO.FILE));
    }

    /** A baseline directory in the documented layout: name (NNNN/path) → image. */
    public static Path baseline(Path dir, Map<String, BufferedImage> images) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, BufferedImage> e : new ArrayList<>(images.entrySet())) {
            TestImages.write(e.getValue(), dir.resolve(e.getKey()));
        }
        return dir;
    }
}
