package org.pvrun.movie;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames of {@code times: all} gathered from the tasks' records (the script names the files) and checked. */
class FramesTest {
    @TempDir
    Path run;

    private String frame(int task, String file, int shade) throws Exception {
        String path = String.format("tasks/%04d/%s", task, file);
        Path p = Files.createDirectories(run.resolve(path).getParent()).resolve(Path.of(file).getFileName());
        BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, shade);
        ImageIO.write(img, "png", p.toFile());
        return path;
    }

    @Test
    void recordedFramesAreTakenInFrameOrderFromTheTaskThatRenderedThem() throws Exception {
        List<String> outputs = new ArrayList<>();
        outputs.add(frame(1, "out/b-2.png", 0x112233));
        outputs.add(frame(0, "out/a.png", 0x445566));
        outputs.add(frame(0, "out/c.png", 0x778899));
        Frames f = Frames.recorded("out/a.png", Map.of(0, Map.of(0, "out/a.png", 1, "out/c.png"), 1, Map.of(2, "out/b-2.png")),
                outputs);
        assertEquals(List.of("tasks/0000/out/a.png", "tasks/0000/out/c.png", "tasks/0001/out/b-2.png"), f.frames());
        assertEquals(List.of(0, 1, 2), f.numbers());
        assertEquals(List.of(), f.check(run, 0, 3).problems());
    }

    @Test
    void aRecordedFrameThatWasNotCollectedIsMissingAndOneTwiceIsNamed() throws Exception {
        List<String> outputs = List.of(frame(0, "s0.png", 1), frame(1, "s0.png", 2), frame(1, "s2.png", 3));
        Frames f = Frames.recorded("s0.png", Map.of(0, Map.of(0, "s0.png", 1, "s1.png"), 1, Map.of(0, "s0.png", 2, "s2.png")),
                outputs);
        assertEquals(List.of("frame 0 was rendered by more than one task: tasks/0000/s0.png, tasks/0001/s0.png",
                "1 of 3 frames missing: 1"), f.check(run, 0, 3).problems());
    }
}
