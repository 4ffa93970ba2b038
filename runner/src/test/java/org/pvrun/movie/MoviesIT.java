package org.pvrun.movie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.spec.AnimationSpec;

/** Frames gathered from the tasks and checked, then encoded with the real ffmpeg and counted with ffprobe (an IT: it needs ffmpeg). */
@Tag("integration")
class MoviesIT {
    @TempDir
    Path run;

    /** Frame k of an animation split over two tasks: 0-4 in task 0000, 5-9 in task 0001. */
    List<String> frames(int n, int width, int height) throws Exception {
        List<String> outputs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String rel = String.format("tasks/%04d/frames/orbit.%04d.png", k < n / 2 ? 0 : 1, k);
            Files.createDirectories(run.resolve(rel).getParent());
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.BLUE);
            g.fillRect(k * 4, 10, 20, 20);
            g.dispose();
            ImageIO.write(img, "png", run.resolve(rel).toFile());
            outputs.add(rel);
        }
        outputs.add("tasks/0000/other.png");
        return outputs;
    }

    @Test
    void tenFramesFromTwoTasksMakeATenFrameMovieAndAContactSheet() throws Exception {
        Frames f = Frames.gather("frames/orbit.png", frames(10, 81, 60));
        assertEquals(10, f.frames().size());
        assertEquals("tasks/0000/frames/orbit.0000.png", f.frames().get(0));
        assertEquals("tasks/0001/frames/orbit.0009.png", f.frames().get(9));
        Frames.Check c = f.check(run, 0, 10);
        assertTrue(c.ok(), c.problems().toString());
        for (String file : List.of("orbit.mp4", "orbit.webm")) {
            Movies.Result r = Movies.make(run, f.frames(), new AnimationSpec.Movie(file, 12), "ffmpeg");
            assertNull(r.problem());
            assertArrayEquals(new int[] {10, 12}, Movies.probe("ffprobe", r.movie()), file);
            assertEquals(run.resolve("movie/orbit.contact.png"), r.contactSheet());
        }
        BufferedImage sheet = ImageIO.read(run.resolve("movie/orbit.contact.png").toFile());
        assertEquals(8 * (Movies.THUMB_WIDTH + 4) + 4, sheet.getWidth());
        assertTrue(Files.notExists(run.resolve(".movie")), "the frame links are removed");
    }

    @Test
    void missingBlankAndOddSizedFramesAreNamed() throws Exception {
        List<String> outputs = frames(10, 80, 60);
        Files.delete(run.resolve("tasks/0000/frames/orbit.0003.png"));
        Files.delete(run.resolve("tasks/0000/frames/orbit.0004.png"));
        outputs.removeIf(o -> o.endsWith("0003.png") || o.endsWith("0004.png"));
        ImageIO.write(new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB), "png",
                run.resolve("tasks/0001/frames/orbit.0007.png").toFile());
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB) {{
                getGraphics().drawLine(0, 0, 10, 10); }}, "png", run.resolve("tasks/0001/frames/orbit.0008.png").toFile());
        Frames.Check c = Frames.gather("frames/orbit.png", outputs).check(run, 0, 10);
        assertEquals(List.of("2 of 10 frames missing: 3-4",
                "frame 7 (tasks/0001/frames/orbit.0007.png) is blank (one colour): a failed offscreen context renders such frames",
                "frame 8 is 40x30, the others 80x60"), c.problems());
    }

    @Test
    void withoutFfmpegTheRunSaysSo() throws Exception {
        Frames f = Frames.gather("frames/orbit.png", frames(4, 80, 60));
        Movies.Result r = Movies.make(run, f.frames(), new AnimationSpec.Movie("o.mp4", 24), "/nonexistent/ffmpeg");
        assertTrue(r.problem().contains("apt-get install ffmpeg"), r.problem());
        assertNull(r.movie());
    }
}
