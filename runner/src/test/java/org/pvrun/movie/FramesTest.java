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

    @Test
    void blankOddSizedAndBrokenFramesAreNamedInFrameOrder() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            String file = String.format("frames/x.%04d.png", k);
            if (k == 7) {
                outputs.add(frame(k % 3, file, 0));  // setRGB(1, 1, black) on black: one colour
            } else if (k == 23) {
                Path p = Files.createDirectories(run.resolve(String.format("tasks/%04d/frames", k % 3))).resolve("x.0023.png");
                ImageIO.write(new BufferedImage(4, 6, BufferedImage.TYPE_INT_RGB), "png", p.toFile());
                outputs.add(run.relativize(p).toString());
            } else if (k == 31) {
                Path p = Files.createDirectories(run.resolve(String.format("tasks/%04d/frames", k % 3))).resolve("x.0031.png");
                Files.writeString(p, "not a png");
                outputs.add(run.relativize(p).toString());
            } else {
                outputs.add(frame(k % 3, file, 0x010101 * (k + 1)));
            }
        }
        Frames f = Frames.gather("frames/x.png", outputs);
        Frames.Check check = f.check(run, 0, 41);
        assertEquals(List.of("1 of 41 frames missing: 40",
                "frame 7 (tasks/0001/frames/x.0007.png) is blank (one colour): a failed offscreen context renders such frames",
                "frame 23 is 4x6, the others 8x6",
                "frame 23 (tasks/0002/frames/x.0023.png) is blank (one colour): a failed offscreen context renders such frames",
                "frame 31 (tasks/0001/frames/x.0031.png) is not an image"), check.problems());
        assertEquals(8, check.width());
    }
}
