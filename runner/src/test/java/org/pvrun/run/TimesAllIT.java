package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.movie.Movies;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.pvrun.testing.Xvfb;

/**
 * {@code animation: {split: 3, times: all}} (docs/animations.md#times-all): a script that loops over 8 time steps
 * and calls SaveScreenshot once each, split over 3 tasks, writes byte for byte the files of the script run bare,
 * and the movie holds all 8.
 */
@Tag("integration")
class TimesAllIT {
    @TempDir
    Path dir;

    static final String SCRIPT = """
            import glob, os
            from paraview.simple import *
            r = XMLImageDataReader(FileName=sorted(glob.glob(%s + '/step_*.vti')))
            v = GetActiveViewOrCreate('RenderView')
            v.ViewSize = [200, 150]
            Show(Contour(Input=r, ContourBy=['POINTS', 'RTData'], Isosurfaces=[200.0]), v)
            v.ResetCamera()
            os.makedirs('frames', exist_ok=True)
            for i, t in enumerate(r.TimestepValues):
                v.ViewTime = t
                SaveScreenshot('frames/step_%%04d.png' %% i, v)
            """;

    static void pv(Path work, String display, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("out.txt").toFile());
        pb.environment().put("DISPLAY", display);
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), argv[0] + " did not end");
        assertEquals(0, p.exitValue(), Files.readString(work.resolve("out.txt")));
    }

    @Test
    void threeTasksWriteTheBareRunsScreenshotsAndAMovieOfEight() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path script = dir.resolve("steps.py");
        Files.writeString(script, SCRIPT.formatted("'" + data + "'"));
        Path spec = dir.resolve("steps.yaml");
        Files.writeString(spec, """
                name: steps
                script: steps.py
                outputs: ["frames/*.png"]
                animation: {split: 3, times: all, movie: {file: steps.mp4, fps: 8}}
                """);
        Path bareDir = Files.createDirectories(dir.resolve("bare"));
        try (Xvfb x = Xvfb.start()) {
            pv(data, x.display, "pvpython", Repo.root().resolve("samples/timeseries/make_steps.py").toString(), "8", "10");
            pv(bareDir, x.display, "pvbatch", "--force-offscreen-rendering", script.toString());
        }
        Map<String, String> bare = AnimationIT.hashes(bareDir, bareDir.resolve("frames"));
        assertEquals(8, bare.size(), bare.toString());

        Cli.Result r = Cli.run("run", spec.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals(3, m.get("tasks").size());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertEquals(bare, AnimationIT.frames(runDir), "the split screenshots are the bare run's");
        JsonNode movie = m.get("movie");
        assertEquals(8, movie.get("frame_count").asInt(), movie.toString());
        assertArrayEquals(new int[] {8, 8}, Movies.probe("ffprobe", runDir.resolve(movie.get("file").asText())));
    }
}
