package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;
import org.pvrun.testing.Xvfb;
import org.pvrun.util.Hashes;

/**
 * A state file rendered headless (docs/state-files.md): a state saved here by pvpython, naming its data by
 * absolute paths in a folder that is gone by the time pvrun runs, renders from inputs and data of other
 * folders byte for byte as pvbatch renders it bare with the original folder in place; a data file that
 * nothing matches is refused before anything is queued (exit 2), from the spec and from a data: glob. The
 * same on the test cluster's Slurm, with the state's own animation split, and for the shipped sample.
 */
@Tag("integration")
class StateFileIT {
    @TempDir
    static Path dir;
    static Xvfb x;
    static Path laptop;
    static Path project;
    static List<String> bare;
    static java.util.Map<String, String> bareFrames;

    @BeforeAll
    static void saveStateThenRenderItBare() throws Exception {
        x = Xvfb.start();
        laptop = dir.resolve("laptop/sim");
        project = Files.createDirectories(dir.resolve("project"));
        Path maker = Path.of("src/test/resources/state/make-sample.py").toAbsolutePath();
        run(dir, "pvpython", maker.toString(), laptop.toString(), project.resolve("cavity.pvsm").toString(), "keep");
        Path bareDir = Files.createDirectories(dir.resolve("bare"));
        Path script = Files.writeString(dir.resolve("bare.py"), "import sys\nfrom paraview.simple import *\n"
                + "from paraview import servermanager\nLoadState(sys.argv[1])\npxm = servermanager.ProxyManager()\n"
                + "for n, name in enumerate(['RenderView1', 'RenderView2']):\n"
                + "    SaveScreenshot('view-%d.png' % n, servermanager._getPyProxy(pxm.GetProxy('views', name)),"
                + " ImageResolution=[200, 150])\n");
        run(bareDir, "pvbatch", "--force-offscreen-rendering", script.toString(),
                project.resolve("cavity.pvsm").toString());
        bare = List.of(Hashes.sha256(bareDir.resolve("view-0.png")), Hashes.sha256(bareDir.resolve("view-1.png")));
        Path bareAnimation = Files.createDirectories(dir.resolve("bare-animation/frames")).getParent();
        Path animate = Files.writeString(dir.resolve("animate.py"), "import sys\nfrom paraview.simple import *\n"
                + "from paraview import servermanager\nLoadState(sys.argv[1])\npxm = servermanager.ProxyManager()\n"
                + "for n, name in enumerate(['RenderView1', 'RenderView2']):\n"
                + "    SaveAnimation('frames/view-%d.png' % n, servermanager._getPyProxy(pxm.GetProxy('views', name)),"
                + " ImageResolution=[200, 150])\n");
        run(bareAnimation, "pvbatch", "--force-offscreen-rendering", animate.toString(),
                project.resolve("cavity.pvsm").toString());
        bareFrames = AnimationIT.hashes(bareAnimation, bareAnimation.resolve("frames"));
        // the laptop's folder is gone; its files come back as inputs (in/) and as data in place (elsewhere/)
        Path in = Files.createDirectories(project.resolve("in"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        for (int i = 0; i < 3; i++) {
            Files.move(laptop.resolve("ball_" + i + ".vtu"), in.resolve("ball_" + i + ".vtu"));
        }
        Files.move(laptop.resolve("wave.vti"), elsewhere.resolve("wave.vti"));
        Files.copy(elsewhere.resolve("wave.vti"), Files.createDirectories(dir.resolve("other")).resolve("other.vti"));
        Files.delete(laptop);
    }

    @AfterAll
    static void stopX() throws Exception {
        x.close();
    }

    static void run(Path cwd, String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("DISPLAY", x.display);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command[0] + " did not end");
        assertEquals(0, p.exitValue(), Files.readString(out));
    }

    static Path spec(String name, String more) throws Exception {
        return Files.writeString(project.resolve(name + ".yaml"), "name: " + name + "\nstate: cavity.pvsm\n"
                + "inputs: [in/ball_*.vtu]\n" + more);
    }

    @Test
    void theStateRendersFromOtherFoldersAsItDidFromItsOwn() throws Exception {
        Path spec = spec("cavity", "data: [" + dir.resolve("elsewhere") + "/*.vti]\n"
                + "screenshot: {resolution: [200, 150]}\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path task = Path.of(m.get("run_dir").asText()).resolve("tasks/0000");
        assertEquals(bare, List.of(Hashes.sha256(task.resolve("view-0.png")), Hashes.sha256(task.resolve("view-1.png"))),
                "view-0.png and view-1.png are the bare render's");
        String log = Files.readString(Path.of(m.get("run_dir").asText()).resolve("logs/0000.log"));
        assertTrue(log.contains("pvrun: state cavity.pvsm: 4 data paths remapped"), log);
        assertFalse(log.contains("Error opening file"), log);
    }

    @Test
    void theStatesOwnAnimationSplitAcrossTasksMakesTheBareRunsFrames() throws Exception {
        Path spec = spec("cavity-frames", "data: [" + dir.resolve("elsewhere") + "/wave.vti]\n"
                + "screenshot: {resolution: [200, 150]}\nanimation: {split: 3}\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals(3, m.get("tasks").size());
        assertEquals(20, bareFrames.size(), "10 frames of each view: " + bareFrames);
        assertEquals(bareFrames, AnimationIT.frames(Path.of(m.get("run_dir").asText())));
    }

    @Test
    void theSamplePipelineRendersAsParaViewsOwnDataDirectoryRemapDoes() throws Exception {
        // the shipped sample's data file lies directly in samples/data, where LoadState's data_directory finds it
        Path bareSample = Files.createDirectories(dir.resolve("bare-sample"));
        Path script = Files.writeString(dir.resolve("sample.py"), "import sys\nfrom paraview.simple import *\n"
                + "LoadState(sys.argv[1], data_directory=sys.argv[2], restrict_to_data_directory=True)\n"
                + "SaveScreenshot('view-0.png', FindView('RenderView1'), ImageResolution=[800, 600])\n");
        run(bareSample, "pvbatch", "--force-offscreen-rendering", script.toString(),
                Repo.root().resolve("samples/state/wavelet.pvsm").toString(), Repo.root().resolve("samples/data").toString());
        Cli.Result r = Cli.run("run", Repo.pipeline("state.yaml").toString(), "-o", dir.resolve("results").toString(),
                "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Path task = Path.of(ManifestIO.JSON.readTree(r.out()).get("run_dir").asText()).resolve("tasks/0000");
        assertEquals(Hashes.sha256(bareSample.resolve("view-0.png")), Hashes.sha256(task.resolve("view-0.png")));
    }

    @Test
    void theSameOnSlurmWithEveryFileStaged() throws Exception {
        TestCluster cluster = TestCluster.require();
        Path in2 = Files.createDirectories(project.resolve("in2"));
        Files.copy(dir.resolve("elsewhere/wave.vti"), in2.resolve("wave.vti"), StandardCopyOption.REPLACE_EXISTING);
        Path spec = Files.writeString(project.resolve("cavity-slurm.yaml"), "name: cavity-slurm\nstate: cavity.pvsm\n"
                + "inputs: [in/ball_*.vtu, in2/wave.vti]\nscreenshot: {resolution: [200, 150]}\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-o", dir.resolve("results").toString(), "--json",
                "-t", "ci-slurm", "--targets", cluster.targetsFile(dir).toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("slurm", m.get("scheduler").asText());
        Path task = Path.of(m.get("run_dir").asText()).resolve("tasks/0000");
        assertEquals(bare, List.of(Hashes.sha256(task.resolve("view-0.png")), Hashes.sha256(task.resolve("view-1.png"))));
    }

    @Test
    void theLayoutIsOneImage() throws Exception {
        Path spec = spec("cavity-layout", "data: [" + dir.resolve("elsewhere") + "/wave.vti]\n"
                + "screenshot: {resolution: [400, 150], views: layout}\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Path task = Path.of(ManifestIO.JSON.readTree(r.out()).get("run_dir").asText()).resolve("tasks/0000");
        try (var files = Files.list(task)) {
            assertEquals(List.of("layout-0.png"), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png")).toList());
        }
        byte[] png = Files.readAllBytes(task.resolve("layout-0.png"));
        int w = java.nio.ByteBuffer.wrap(png, 16, 8).getInt();
        int h = java.nio.ByteBuffer.wrap(png, 20, 4).getInt();
        assertEquals(List.of(400, 150), List.of(w, h));
    }

    @Test
    void resumeReusesTheImagesOnlyWhileTheScreenshotIsTheSame() throws Exception {
        Path results = dir.resolve("resume");
        String data = "data: [" + dir.resolve("elsewhere") + "/wave.vti]\n";
        Path spec = spec("cavity-resume", data + "screenshot: {resolution: [120, 90]}\n");
        assertEquals(0, Cli.run("run", spec.toString(), "-o", results.toString()).exitCode());
        Cli.Result same = Cli.run("run", spec.toString(), "-o", results.toString(), "--resume");
        assertEquals(0, same.exitCode(), same.toString());
        assertTrue(same.out().contains("--resume: 1 of 1 task reused"), same.out());
        spec("cavity-resume", data + "screenshot: {resolution: [160, 90]}\n");
        Cli.Result other = Cli.run("run", spec.toString(), "-o", results.toString(), "--resume");
        assertEquals(0, other.exitCode(), other.toString());
        assertFalse(other.out().contains("reused"), other.out());
    }

    @Test
    void aMissingDataFileIsRefusedFromTheSpecBeforeAnythingIsQueued() throws Exception {
        Path results = dir.resolve("refused-at-load");
        Cli.Result r = Cli.run("run", spec("no-wave", "").toString(), "-o", results.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no-wave.yaml:2:8: the state names 1 data file that no input or data matches by base "
                + "name (add them to inputs: or data:, or map them in state_files): " + laptop.resolve("wave.vti")),
                r.err());
        assertFalse(Files.exists(results.resolve("no-wave")), "no run directory");
    }

    @Test
    void aMissingDataFileIsRefusedOnceTheDataGlobIsExpandedBeforeAnythingIsQueued() throws Exception {
        Path results = dir.resolve("refused-at-start");
        Cli.Result r = Cli.run("run", spec("other-wave", "data: [" + dir.resolve("other") + "/*.vti]\n").toString(),
                "-o", results.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(laptop.resolve("wave.vti").toString()) && r.err().contains("nothing was submitted"),
                r.err());
        assertFalse(Files.exists(results.resolve("other-wave")), "no run directory");
    }
}
