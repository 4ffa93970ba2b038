package org.pvrun.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.util.Hashes;

/** --resume's index of earlier runs: whole tasks that succeeded, and the frames of split animation tasks that did not. */
class ResumeCacheTest {
    @TempDir
    Path pipelineDir;

    /** A run whose task 0 ({@code status}) has the given frames as outputs and {@code log} as its frame log. */
    Path run(String id, String status, List<String> frames, String log) throws IOException {
        Path run = Files.createDirectories(pipelineDir.resolve(id));
        List<Manifest.OutputRecord> outs = new ArrayList<>();
        for (String f : frames) {
            Path file = run.resolve("tasks/0000/" + f);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "png of " + f);
            outs.add(new Manifest.OutputRecord("tasks/0000/" + f, Files.size(file), Hashes.sha256(file)));
        }
        Files.createDirectories(run.resolve("logs"));
        if (log != null) {
            Files.writeString(run.resolve("logs/0000.fdone"), log);
        }
        Manifest.TaskRecord t = new Manifest.TaskRecord(0, Map.of(), List.of(), status, null, null, "logs/0000.log", "KEY",
                null, List.of(), outs);
        Manifest m = new Manifest(1, "p", id, status, "local", "none", "local", "5.11.0", null, "p.yaml", "0", "s.py", "0",
                List.of(), 1, "offscreen", List.of(), "h", "dev", "t0", "t1", 1.0, List.of(), List.of(), null, List.of(),
                null, List.of(t));
        ManifestIO.write(run, m);
        return run;
    }

    @Test
    void framesOfAnUnfinishedTaskAreThoseItsLogListsAndThatCameBackWhole() throws IOException {
        Path run = run("20260101-000000-aaaaaa", "cancelled", List.of("frames/o.0000.png", "frames/o.0001.png",
                "frames/o.0002.png"), "0 frames/o.0000.png\n1 frames/./o.0001.png\n2 frames/o.0002.png\n3 frames/o.0003.png\n"
                + "9 /elsewhere/o.0009.png\n4 frames/o.00");
        Files.writeString(run.resolve("tasks/0000/frames/o.0002.png"), "changed since");
        ResumeCache c = ResumeCache.scan(pipelineDir);
        assertNull(c.find("KEY"), "not a whole task to reuse");
        List<ResumeCache.Frame> frames = ResumeCache.frames(c.findPartial("KEY"));
        // 2 changed since (its hash), 3 never came back, 9 outside the task folder, 4 a line cut off
        assertEquals(List.of(0, 1), frames.stream().map(ResumeCache.Frame::number).toList());
        assertEquals(List.of("frames/o.0000.png", "frames/o.0001.png"), frames.stream().map(ResumeCache.Frame::path).toList());
        assertEquals(run.resolve("tasks/0000/frames/o.0001.png"), frames.get(1).file());
    }

    @Test
    void aTaskThatSucceededIsReusedWhole() throws IOException {
        run("20260101-000000-aaaaaa", "succeeded", List.of("frames/o.0000.png"), "0 frames/o.0000.png\n");
        ResumeCache c = ResumeCache.scan(pipelineDir);
        assertEquals("20260101-000000-aaaaaa/tasks/0000", c.find("KEY").reference());
        assertNull(c.findPartial("KEY"));
    }

    @Test
    void withoutAFrameLogAFailedTaskLeavesNothing() throws IOException {
        run("20260101-000000-aaaaaa", "failed", List.of("frames/o.0000.png"), null);
        assertNull(ResumeCache.scan(pipelineDir).findPartial("KEY"));
    }
}
