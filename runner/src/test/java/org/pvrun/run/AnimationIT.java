package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.movie.Movies;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;
import org.pvrun.testing.Xvfb;
import org.pvrun.util.Hashes;

/**
 * A split animation (docs/animations.md): pipelines/animation.yaml's 24 frames rendered by 4 tasks locally and 2
 * on Slurm are byte for byte the frames of the script run bare with pvbatch, and the movie holds them all.
 */
@Tag("integration")
class AnimationIT {
    @TempDir
    static Path dir;
    static Xvfb x;
    static Map<String, String> bare;

    @BeforeAll
    static void bareRun() throws Exception {
        x = Xvfb.start();
        Path work = Files.createDirectories(dir.resolve("bare"));
        Path script = Repo.root().resolve("samples/animation/orbit.py");
        ProcessBuilder pb = new ProcessBuilder("pvbatch", "--force-offscreen-rendering", script.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("bare.out").toFile());
        pb.environment().put("DISPLAY", x.display);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bare pvbatch did not end");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("bare.out")));
        bare = hashes(work, work.resolve("frames"));
        assertEquals(24, bare.size(), bare.toString());
    }

    @AfterAll
    static void stopX() throws Exception {
        x.close();
    }

    /** frames/orbit.NNNN.png → SHA-256, of every frame under {@code dir}. */
    static Map<String, String> hashes(Path base, Path dir) throws Exception {
        Map<String, String> h = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                h.put("frames/" + f.getFileName(), Hashes.sha256(f));
            }
        }
        return h;
    }

    static Map<String, String> frames(Path runDir) throws Exception {
        Map<String, String> h = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(runDir.resolve("tasks"))) {
            for (Path t : tasks.toList()) {
                if (Files.isDirectory(t.resolve("frames"))) {
                    Map<String, String> of = hashes(t, t.resolve("frames"));
                    of.keySet().forEach(k -> assertTrue(!h.containsKey(k), k + " rendered by two tasks"));
                    h.putAll(of);
                }
            }
        }
        return h;
    }

    static JsonNode run(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", Repo.pipeline("animation.yaml").toString(),
                "-o", dir.resolve("results").toString(), "--json"));
        args.addAll(List.of(more));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        // the frame logs pvrun's driver writes beside the status are its own, not the script's writes
        assertFalse(r.err().contains("outside its folder"), r.toString());
        return ManifestIO.JSON.readTree(r.out());
    }

    static void assertMovie(JsonNode m) throws Exception {
        Path runDir = Path.of(m.get("run_dir").asText());
        assertEquals(bare, frames(runDir), "the split frames are the bare run's frames");
        JsonNode movie = m.get("movie");
        assertEquals(24, movie.get("frame_count").asInt(), movie.toString());
        Path file = runDir.resolve(movie.get("file").asText());
        assertEquals(Hashes.sha256(file), movie.get("sha256").asText());
        assertArrayEquals(new int[] {24, 12}, Movies.probe("ffprobe", file));
        assertTrue(Files.isRegularFile(runDir.resolve(movie.get("contact_sheet").asText())));
    }

    @Test
    void fourTasksHereMakeTheBareRunsFramesAndAMovie() throws Exception {
        JsonNode m = run();
        assertEquals(4, m.get("tasks").size());
        assertMovie(m);
    }

    @Test
    void twoTasksOnSlurmMakeTheSameFrames() throws Exception {
        TestCluster cluster = TestCluster.require();
        Path targets = cluster.targetsFile(dir);
        JsonNode m = run("-t", "ci-slurm", "--targets", targets.toString());
        assertEquals("slurm", m.get("scheduler").asText());
        assertMovie(m);
    }

    /** pipelines/animation.yaml with {@code frames_per_task: F} instead of its split. */
    static Path perTaskSpec(int frames) throws IOException {
        String text = Files.readString(Repo.pipeline("animation.yaml"))
                .replace("../samples/animation/orbit.py", Repo.root().resolve("samples/animation/orbit.py").toString())
                .replace("split: 4", "frames_per_task: " + frames);
        return Files.writeString(dir.resolve("per-task-" + frames + ".yaml"), text);
    }

    @Test
    void framesPerTaskCountsTheFramesFirstThenRendersWindowsOfThatSize() throws Exception {
        Cli.Result r = Cli.run("run", perTaskSpec(10).toString(), "-o", dir.resolve("results-per-task").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("counted 24 frames: 3 tasks of at most 10 frames"), r.err());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals(3, m.get("tasks").size());
        Path runDir = Path.of(m.get("run_dir").asText());
        // 10, 10 and 4 frames: each window where frames_per_task puts it
        int[] expected = {10, 10, 4};
        for (int t = 0; t < 3; t++) {
            try (Stream<Path> f = Files.list(runDir.resolve("tasks").resolve(org.pvrun.plan.Task.id(t)).resolve("frames"))) {
                List<String> names = f.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(expected[t], names.size(), names.toString());
                assertEquals(String.format("orbit.%04d.png", 10 * t), names.get(0));
            }
        }
        assertMovie(m);
        // the count run is a run of its own, listed; a --resume reuses its count and the frames
        Path counts = dir.resolve("results-per-task").resolve("orbit-movie-count");
        LocalPipelinesIT.onlyRun(counts);
        Cli.Result again = Cli.run("run", perTaskSpec(10).toString(), "-o", dir.resolve("results-per-task").toString(), "--resume");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.toString().contains("3 of 3 tasks reused"), again.toString());
        try (Stream<Path> runs = Files.list(counts)) {
            Path second = runs.sorted().toList().get(1);
            JsonNode count = ManifestIO.JSON.readTree(second.resolve(ManifestIO.FILE).toFile());
            assertTrue(count.get("tasks").get(0).hasNonNull("reused_from"), "the count was not reused: " + count);
        }
    }

    @Test
    void framesPerTaskOnSlurmCountsThereAndMakesTheSameFrames() throws Exception {
        TestCluster cluster = TestCluster.require();
        Cli.Result r = Cli.run("run", perTaskSpec(7).toString(), "-o", dir.resolve("results").toString(), "--json",
                "-t", "ci-slurm", "--targets", cluster.targetsFile(dir).toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("counted 24 frames: 4 tasks of at most 7 frames"), r.err());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("slurm", m.get("scheduler").asText());
        assertEquals(4, m.get("tasks").size());
        assertMovie(m);
    }

    /** With report: true the run's report.html is a live page of the frames so far, then the run's report. */
    void liveContactSheet(String name, String... more) throws Exception {
        String text = Files.readString(Repo.pipeline("animation.yaml"))
                .replace("../samples/animation/orbit.py", Repo.root().resolve("samples/animation/orbit.py").toString())
                .replace("split: 4", "split: 2") + "report: true\n";
        Path spec = Files.writeString(dir.resolve(name + ".yaml"), text.replace("name: orbit-movie", "name: " + name));
        Path results = dir.resolve("results-" + name);
        List<String> args = new ArrayList<>(List.of("run", spec.toString(), "-o", results.toString()));
        args.addAll(List.of(more));
        Path out = dir.resolve(name + ".out");
        Process p = FaultsIT.pvrun(out, Map.of("PVRUN_LIVE_SHEET_SECONDS", "1", "DISPLAY", x.display),
                args.toArray(String[]::new));
        Path[] page = new Path[1];
        FaultsIT.waitUntil("a live report", 180, () -> {
            if (!Files.isDirectory(results.resolve(name))) {
                return false;
            }
            try (Stream<Path> runs = Files.list(results.resolve(name))) {
                page[0] = runs.map(r -> r.resolve("report.html")).filter(Files::isRegularFile).findFirst().orElse(null);
            }
            return page[0] != null && FaultsIT.read(page[0]).contains("pvrun live report")
                    && Files.isRegularFile(page[0].resolveSibling("live/contact.png"));
        });
        String live = FaultsIT.read(page[0]);
        assertTrue(live.contains("http-equiv=\"refresh\"") && live.matches("(?s).*frames \\d+/24.*"), live);
        java.awt.image.BufferedImage sheet = javax.imageio.ImageIO.read(page[0].resolveSibling("live/contact.png").toFile());
        assertTrue(sheet != null && sheet.getWidth() >= 160, "the live sheet is no image");
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), FaultsIT.read(out));
        assertEquals(0, p.exitValue(), FaultsIT.read(out));
        String report = Files.readString(page[0]);
        assertTrue(!report.contains("pvrun live report") && report.contains("id=\"movie\""), "not the run's report");
        assertTrue(!Files.exists(page[0].resolveSibling("live")), "live/ left in the run directory");
    }

    @Test
    void theReportIsALiveContactSheetWhileTheRunGoesOn() throws Exception {
        liveContactSheet("live-here");
    }

    @Test
    void theLiveContactSheetFetchesItsFramesFromSlurm() throws Exception {
        liveContactSheet("live-slurm", "-t", "ci-slurm", "--targets", TestCluster.require().targetsFile(dir).toString());
    }

    @Test
    void aBlankFrameFailsTheRunNamingIt() throws Exception {
        Files.writeString(dir.resolve("empty.py"), "import os\nfrom paraview.simple import *\n"
                + "view = GetActiveViewOrCreate('RenderView')\nview.OrientationAxesVisibility = 0\n"
                + "GetAnimationScene().NumberOfFrames = 4\n"
                + "os.makedirs('frames', exist_ok=True)\nSaveAnimation('frames/e.png', view, ImageResolution=[64, 48])\n");
        Path spec = Files.writeString(dir.resolve("empty.yaml"), "name: empty\nscript: empty.py\noutputs: [\"frames/*.png\"]\n"
                + "animation: {split: 2}\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-o", dir.resolve("results").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("animation frames/e.png: frame 0 (tasks/0000/frames/e.0000.png) is blank (one colour)"),
                r.err());
    }

    /**
     * A wall time shorter than the render, on Slurm: orbit.py with a cue that takes 2 s a frame (48 s for its 24
     * frames, one task) under a one-minute limit and {@code --signal=B:USR1@20}. Slurm signals the job between
     * about 15 and 40 s in; the task finishes its frame, records it and stops (exit 75); pvrun submits the rest,
     * and the next attempt keeps the frames done and renders only the others. No frame is rendered twice (the
     * task's frame log), and all 24 are the bare run's.
     */
    @Test
    void aTaskStoppedAtItsWallTimeRendersOnlyTheRestInItsNextJob() throws Exception {
        Path targets = TestCluster.require().targetsFile(dir);
        String slow = Files.readString(Repo.root().resolve("samples/animation/orbit.py")).replace("os.makedirs(",
                "cue = PythonAnimationCue()\ncue.Script = 'import time\\ndef start_cue(self): pass\\n"
                        + "def tick(self): time.sleep(2)\\ndef end_cue(self): pass\\n'\nscene.Cues.append(cue)\n\nos.makedirs(");
        Files.writeString(dir.resolve("slow-orbit.py"), slow);
        Path spec = Files.writeString(dir.resolve("slow-orbit.yaml"), "name: slow-orbit\nscript: slow-orbit.py\n"
                + "outputs: [\"frames/*.png\"]\nresources: {time: \"00:01:00\"}\n"
                + "animation: {split: 1, requeue: 4, stop_before_end: 20s}\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-t", "ci-slurm", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertEquals(bare, frames(runDir), "the frames of all attempts are the bare run's");
        JsonNode attempts = m.get("tasks").get(0).get("attempts");
        assertTrue(attempts.size() >= 2, "the task was never stopped at its wall time: " + attempts);
        assertEquals(75, attempts.get(0).get("exit_code").asInt(), attempts.toString());
        assertTrue(attempts.get(0).get("reason").asText().contains("stopped at the job's wall time"), attempts.toString());
        assertTrue(r.err().contains("task stopped at the job's wall time; submitting the rest of its frames")
                || r.out().contains("task stopped at the job's wall time; submitting the rest of its frames"), r.toString());
        List<String> log = Files.readAllLines(Path.of(m.get("remote_dir").asText(), "status/0000.fdone"));
        assertEquals(24, log.size(), "each frame rendered once: " + log);
        assertEquals(24, log.stream().map(l -> l.split(" ")[0]).distinct().count(), log.toString());
        assertTrue((r.out() + r.err()).matches("(?s).*, frames \\d+/24.*"), "the progress line counts frames:\n" + r);
    }

    /**
     * Ctrl-C in the middle of a split animation, then {@code --resume}: the frames each task had finished are
     * collected with the cancelled run (and only those: its frame log), and the resumed run puts them back into
     * the task folders, so its tasks render only the frames that are left; together they are the bare run's.
     */
    @Test
    void resumeAfterCtrlCRendersOnlyTheFramesThatAreLeft() throws Exception {
        String slow = Files.readString(Repo.root().resolve("samples/animation/orbit.py")).replace("os.makedirs(",
                "cue = PythonAnimationCue()\ncue.Script = 'import time\\ndef start_cue(self): pass\\n"
                        + "def tick(self): time.sleep(0.7)\\ndef end_cue(self): pass\\n'\nscene.Cues.append(cue)\n\nos.makedirs(");
        Path work = Files.createDirectories(dir.resolve("resume-frames"));
        Files.writeString(work.resolve("orbit.py"), slow);
        Path spec = Files.writeString(work.resolve("orbit.yaml"), "name: orbit-resume\nscript: orbit.py\n"
                + "outputs: [\"frames/*.png\"]\nanimation: {split: 2}\n");
        Path results = work.resolve("results");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run", spec.toString(),
                "-o", results.toString()).redirectErrorStream(true).redirectOutput(work.resolve("first.out").toFile());
        pb.environment().put("PVRUN_STATE", work.resolve("state").toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertTrue(System.nanoTime() < deadline, "no frames:\n" + Files.readString(work.resolve("first.out")));
            Thread.sleep(200);
            if (!Files.isDirectory(results.resolve("orbit-resume"))) {
                continue;
            }
            Path status = LocalPipelinesIT.onlyRun(results.resolve("orbit-resume")).resolve(".work/status");
            if (framesDone(status, "0000") >= 3 && framesDone(status, "0001") >= 3) {
                break;
            }
        }
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), Files.readString(work.resolve("first.out")));
        Path first = LocalPipelinesIT.onlyRun(results.resolve("orbit-resume"));
        JsonNode m = ManifestIO.JSON.readTree(first.resolve("manifest.json").toFile());
        assertEquals("cancelled", m.get("status").asText());
        for (JsonNode t : m.get("tasks")) {
            assertEquals("cancelled", t.get("status").asText(), t.toString());
            assertTrue(t.get("outputs").size() >= 3, "the frames it had finished are kept: " + t);
        }

        Cli.Result again = Cli.run(Map.of("PVRUN_STATE", work.resolve("state").toString()), "run", spec.toString(),
                "-o", results.toString(), "--resume", "--json");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.toString().matches("(?s).*--resume: \\d+ frames of 2 unfinished tasks kept from earlier runs.*"),
                again.toString());
        JsonNode second = ManifestIO.JSON.readTree(again.out());
        Path runDir = Path.of(second.get("run_dir").asText());
        assertEquals(bare, frames(runDir), "the kept and the new frames are the bare run's");
        for (String t : List.of("0000", "0001")) {
            String log = Files.readString(runDir.resolve("logs/" + t + ".log"));
            assertTrue(log.matches("(?s).*pvrun: \\d+ frames done by an earlier attempt are kept.*"), log);
        }
        assertEquals(24, second.get("movie").get("frame_count").asInt(), second.get("movie").toString());
    }

    /** The frames a task has made, from its progress file (DONE TOTAL), 0 before the first. */
    static int framesDone(Path status, String task) throws IOException {
        Path f = status.resolve(task + ".fprog");
        try {
            String[] dt = Files.readString(f).strip().split(" ");
            return dt.length == 2 ? Integer.parseInt(dt[0]) : 0;
        } catch (java.nio.file.NoSuchFileException | NumberFormatException e) {
            return 0;
        }
    }
}
