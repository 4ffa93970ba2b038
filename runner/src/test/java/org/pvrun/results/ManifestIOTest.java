package org.pvrun.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest is streamed into its file as it is serialised, and the file appears whole or not at all. */
class ManifestIOTest {
    @TempDir
    Path dir;

    @Test
    void aLargeManifestReadsBackAsWritten() throws IOException {
        List<Manifest.TaskRecord> tasks = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            tasks.add(new Manifest.TaskRecord(i, Map.of("i", i), List.of("s.py"), "succeeded", 0, null,
                    String.format("logs/%04d.log", i), "k" + i, null, null,
                    List.of(new Manifest.OutputRecord("tasks/" + i + "/a.png", 1024, "x"))));
        }
        Manifest m = new Manifest(1, "p", "R", "succeeded", "local", "none", "local", "5.11.0", null, "p.yaml", "x",
                "s.py", "x", List.of(), 1, "offscreen", List.of(), "h", "0", "t0", "t1", 2.5, List.of(), List.of(), null,
                List.of(), null, tasks);
        ManifestIO.write(dir, m);
        assertEquals(m, ManifestIO.read(dir.resolve(ManifestIO.FILE)));
        assertEquals(new String(ManifestIO.JSON.writeValueAsBytes(m), java.nio.charset.StandardCharsets.UTF_8),
                Files.readString(dir.resolve(ManifestIO.FILE)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(ManifestIO.FILE)), files.toList());
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFile() throws IOException {
        Path file = dir.resolve("run.json");
        ManifestIO.writeAtomically(file, "old".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> ManifestIO.writeAtomically(file, out -> {
            out.write("{\"half\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aKilledWritersTemporaryIsRemovedALiveOnesIsNot() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long dead = gone.pid();
        long self = ProcessHandle.current().pid();
        List<String> names = List.of(".run.json." + dead + ".18c2f0a9.tmp", ".manifest.json." + dead + ".7.tmp",
                ".run.json." + self + ".18c2f0aa.tmp", ".notes.tmp", ".run.json." + dead + ".xyz.tmp", "run.json");
        for (String n : names) {
            Files.writeString(dir.resolve(n), "x");
        }
        Files.createDirectory(dir.resolve(".report.html." + dead + ".1.tmp"));
        assertEquals(2, ManifestIO.removeStaleTemporaries(dir));
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of(".notes.tmp", ".report.html." + dead + ".1.tmp", ".run.json." + dead + ".xyz.tmp",
                    ".run.json." + self + ".18c2f0aa.tmp", "run.json"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        assertEquals(0, ManifestIO.removeStaleTemporaries(dir.resolve("no-such-folder")));
    }
}
