package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.ExitCode;
import org.pvrun.report.ImageComparison;
import org.pvrun.results.ManifestIO;
import org.pvrun.spec.ArgTemplate;
import org.pvrun.spec.SpecLoader;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;
import org.pvrun.testing.Xvfb;

/**
 * Unmodified scripts give the same files through pvrun as bare: each script of the corpus
 * (src/test/resources/parity/CASE/, in the shapes people's scripts have) runs with plain pvbatch in an empty
 * folder holding only the script and its inputs (as its author would run it), and through pvrun locally with
 * 1 and 2 ranks and through Slurm with 2; the same files must come out, with the same bytes (images may
 * differ in bytes only if their pixels are identical). Each case's spec.yaml says ranks: 1; the 2-rank rows
 * run a copy that says 2.
 */
@Tag("integration")
class ParityIT {
    static final Path CORPUS = Path.of("src/test/resources/parity").toAbsolutePath();

    @TempDir
    static Path dir;
    static Xvfb x;
    /** Bare runs by case and ranks: relative path → file, made once and compared with every target. */
    static final Map<String, Map<String, Path>> BARE = new HashMap<>();

    @BeforeAll
    static void display() throws IOException {
        x = Xvfb.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        x.close();
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static Stream<Arguments> rows() throws IOException {
        return cases().flatMap(c -> Stream.of(Arguments.of(c, "local", 1), Arguments.of(c, "local", 2),
                Arguments.of(c, "ci-slurm", 2)));
    }

    @ParameterizedTest(name = "{0} on {1} with {2} rank(s)")
    @MethodSource("rows")
    void sameFilesAsBarePvbatch(String name, String target, int ranks) throws Exception {
        Map<String, Path> bare = bare(name, ranks);
        Cli.Result r = pvrun(CORPUS.resolve(name), target, ranks);
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path task = Path.of(m.get("run_dir").asText()).resolve("tasks/0000");
        Map<String, Path> ours = files(task);
        assertEquals(bare.keySet(), ours.keySet(), "pvrun's files differ from bare pvbatch's\n" + r);
        for (String f : bare.keySet()) {
            assertSame(f, bare.get(f), ours.get(f));
        }
        // and nothing of pvrun's own (the script's copy, input links) is reported
        assertFalse(r.err().contains("not fetched"), r.err());
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "ci-slurm"})
    void aTaskBlockedInCIsStoppedAtItsTimeout(String target) throws Exception {
        Cli.Result r = pvrun(CORPUS.resolveSibling("parity-timeout"), target, target.equals("local") ? 1 : 2);
        assertEquals(ExitCode.TASK_FAILED, r.exitCode(), r.toString());
        JsonNode t = ManifestIO.JSON.readTree(r.out()).get("tasks").get(0);
        assertEquals("timed out after 5s", t.get("reason").asText(), t.toString());
        assertEquals(124, t.get("exit_code").asInt(), t.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path run = Path.of(m.get("run_dir").asText());
        // what it wrote before the stop is collected; the call it was stuck in never returned
        assertTrue(Files.exists(run.resolve("tasks/0000/before.txt")), r.toString());
        assertFalse(Files.exists(run.resolve("tasks/0000/after.txt")), r.toString());
        // the script would block for 60 s: the whole run (pvbatch's start, ~3 s, and a Slurm queue included)
        // ends well before, so the task was stopped a few seconds after its 5 s
        double seconds = m.get("duration_seconds").asDouble();
        assertTrue(seconds < (target.equals("local") ? 15 : 25), "the run took " + seconds + " s\n" + r);
    }

    /**
     * Three tasks in one job on two ranks: both ranks move from task to task (each task gets both pieces, the
     * same bytes as bare pvbatch's), and the task stopped inside C at its timeout does not take the task after
     * it down: that one runs in a new pvbatch.
     */
    @Test
    void packedTasksMoveEveryRankAndOutliveAHardTimeout() throws Exception {
        Map<String, Path> bare = bare("pieces", 2);
        Cli.Result r = Cli.run(Map.of("DISPLAY", x.display), "run", "-q", "--json", "-o", dir.resolve("results").toString(),
                CORPUS.resolveSibling("parity-packed").resolve("spec.yaml").toString());
        assertEquals(ExitCode.TASK_FAILED, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals(1, m.get("job_ids").size(), "one pvbatch job for the three tasks: " + m.get("job_ids"));
        List<String> verdicts = new ArrayList<>();
        m.get("tasks").forEach(t -> verdicts.add(t.get("status").asText() + (t.hasNonNull("reason")
                ? ": " + t.get("reason").asText() : "")));
        assertEquals(List.of("succeeded", "failed: timed out after 5s", "succeeded"), verdicts, r.toString());
        for (String id : List.of("0000", "0001", "0002")) {
            Map<String, Path> ours = files(Path.of(m.get("run_dir").asText()).resolve("tasks").resolve(id));
            assertEquals(bare.keySet(), ours.keySet(), "task " + id);
            for (String f : bare.keySet()) {
                assertSame(id + "/" + f, bare.get(f), ours.get(f));
            }
        }
    }

    @ParameterizedTest(name = "strict: {0}")
    @ValueSource(booleans = {false, true})
    void writesOutsideTheTaskFolderAreNamed(boolean strict) throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere-" + strict));
        Path caseDir = dir.resolve("outside-" + strict);
        FileUtils.copyDirectory(CORPUS.resolveSibling("parity-outside").toFile(), caseDir.toFile());
        if (strict) {
            Files.writeString(caseDir.resolve("spec.yaml"), "strict: true\n", java.nio.file.StandardOpenOption.APPEND);
        }
        Cli.Result r = Cli.run(Map.of("DISPLAY", x.display), "run", "-q", "--json", "-o", dir.resolve("results").toString(),
                "-s", "where=" + elsewhere, caseDir.resolve("spec.yaml").toString());
        // open(), SaveScreenshot and SaveData (a writer's FileName) are all seen
        for (String f : List.of("note.txt", "cone.png", "cone.vtp")) {
            assertTrue(Files.exists(elsewhere.resolve(f)), f);
            assertTrue(r.err().contains("pvrun: warning: task 0000 wrote " + elsewhere.toRealPath().resolve(f)
                    + " outside its folder: not collected"), r.toString());
        }
        JsonNode t = ManifestIO.JSON.readTree(r.out()).get("tasks").get(0);
        assertEquals(1, t.get("outputs").size(), t.toString()); // inside.png, collected as usual
        assertEquals(strict ? ExitCode.TASK_FAILED : ExitCode.OK, r.exitCode(), r.toString());
        if (strict) {
            assertTrue(t.get("reason").asText().endsWith("outside its folder (strict: true)"), t.toString());
        }
    }

    /** pvrun on a copy of the case's folder whose spec asks for {@code ranks}. */
    Cli.Result pvrun(Path caseDir, String target, int ranks) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "-t", target, "--json", "-o", dir.resolve("results").toString()));
        if (!target.equals("local")) {
            args.addAll(List.of("--targets", TestCluster.require().targetsFile(dir).toString()));
        }
        Path copy = dir.resolve("specs").resolve(caseDir.getFileName() + "-" + target + "-" + ranks);
        FileUtils.deleteDirectory(copy.toFile());
        FileUtils.copyDirectory(caseDir.toFile(), copy.toFile());
        Path spec = copy.resolve("spec.yaml");
        Files.writeString(spec, Files.readString(spec).replace("ranks: 1", "ranks: " + ranks));
        args.add(spec.toString());
        return Cli.run(Map.of("DISPLAY", x.display), args.toArray(String[]::new));
    }

    /**
     * A script that writes its image and then dies of SIGSEGV while the interpreter exits: bare pvbatch exits
     * 139 with the image written; pvrun has the task's verdict (0) before the exit, so the task succeeded, with
     * the same image.
     */
    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "ci-slurm"})
    void aCrashDuringInterpreterExitAfterTheImageKeepsTheImage(String target) throws Exception {
        Path caseDir = CORPUS.resolveSibling("parity-crash-at-exit");
        Map<String, Path> bare = bare(caseDir, "crash-at-exit", 1, 139);
        Cli.Result r = pvrun(caseDir, target, 1);
        assertEquals(0, r.exitCode(), r.toString());
        Path task = Path.of(ManifestIO.JSON.readTree(r.out()).get("run_dir").asText()).resolve("tasks/0000");
        Map<String, Path> ours = files(task);
        assertEquals(bare.keySet(), ours.keySet(), r.toString());
        for (String f : bare.keySet()) {
            assertSame(f, bare.get(f), ours.get(f));
        }
    }

    /** ParaView's own benchmark scripts, as Debian's python3-paraview installs them (found here, not copied). */
    static Stream<Arguments> paraviewScripts() {
        Path benchmark = Path.of("/usr/lib/python3/dist-packages/paraview/benchmark");
        return Stream.of(Arguments.of(benchmark.resolve("waveletcontour.py"), "[\"-d\", \"30\", \"-f\", \"2\"]", "local"),
                Arguments.of(benchmark.resolve("manyspheres.py"), "[\"-s\", \"8\", \"-f\", \"2\"]", "local"),
                Arguments.of(benchmark.resolve("waveletcontour.py"), "[\"-d\", \"30\", \"-f\", \"2\"]", "ci-slurm"));
    }

    /**
     * The same files as bare pvbatch, the images with the same pixels; their logs of times and memory (log.*.txt,
     * log.*.bin) are measurements, so only their names are compared.
     */
    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("paraviewScripts")
    void paraviewsOwnScriptsMakeTheSameFiles(Path script, String args, String target) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(script), "not installed here: " + script);
        String name = script.getFileName().toString().replace(".py", "");
        Path caseDir = Files.createDirectories(dir.resolve("paraview-own").resolve(name));
        Files.writeString(caseDir.resolve("spec.yaml"), "name: paraview-" + name + "\nscript: " + script + "\nargs: "
                + args + "\nranks: 1\n");
        Map<String, Path> bare = bare(caseDir, "paraview-" + name, 1, 0);
        Cli.Result r = pvrun(caseDir, target, 1);
        assertEquals(0, r.exitCode(), r.toString());
        Path task = Path.of(ManifestIO.JSON.readTree(r.out()).get("run_dir").asText()).resolve("tasks/0000");
        Map<String, Path> ours = files(task);
        assertEquals(bare.keySet(), ours.keySet(), r.toString());
        assertTrue(bare.keySet().stream().anyMatch(f -> f.endsWith(".png")), bare.keySet().toString());
        for (String f : bare.keySet()) {
            if (f.endsWith(".png")) {
                assertSame(f, bare.get(f), ours.get(f));
            }
        }
    }

    /** The case run as its author would: pvbatch (under mpiexec for 2 ranks) in a folder with the script and inputs. */
    static synchronized Map<String, Path> bare(String name, int ranks) throws Exception {
        return bare(CORPUS.resolve(name), name, ranks, 0);
    }

    /** As {@link #bare(String, int)} for a case anywhere, expecting pvbatch to exit with {@code exit}. */
    static synchronized Map<String, Path> bare(Path caseDir, String name, int ranks, int exit) throws Exception {
        String key = name + "/" + ranks;
        if (BARE.containsKey(key)) {
            return BARE.get(key);
        }
        var spec = new SpecLoader().load(caseDir.resolve("spec.yaml"), Map.of());
        Path work = dir.resolve("bare").resolve(name + "-" + ranks);
        FileUtils.deleteDirectory(work.toFile());
        Files.createDirectories(work);
        Files.copy(spec.script(), work.resolve(spec.script().getFileName()));
        List<String> shipped = new ArrayList<>(List.of(spec.script().getFileName().toString()));
        for (var in : spec.inputs()) {
            Files.createDirectories(work.resolve(in.name()).getParent());
            Files.copy(in.source(), work.resolve(in.name()));
            shipped.add(in.name());
        }
        List<String> argv = new ArrayList<>();
        if (ranks > 1) {
            argv.addAll(List.of("mpiexec", "-n", Integer.toString(ranks)));
        }
        argv.addAll(List.of("pvbatch", "--force-offscreen-rendering", spec.script().getFileName().toString()));
        argv.addAll(spec.args().stream().map(a -> ArgTemplate.expand(a, spec.params())).toList());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("bare").resolve(name + "-" + ranks + ".out").toFile());
        pb.environment().put("DISPLAY", x.display);
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        pb.environment().put("HWLOC_COMPONENTS", "-gl");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bare pvbatch did not end within 120 s: " + argv);
        }
        String out = Files.readString(dir.resolve("bare").resolve(name + "-" + ranks + ".out"));
        assertEquals(exit, p.exitValue(), "bare pvbatch: " + argv + "\n" + out);
        Map<String, Path> made = files(work);
        shipped.forEach(made::remove);
        assertFalse(made.isEmpty(), "bare pvbatch wrote nothing: " + argv + "\n" + out);
        BARE.put(key, made);
        return made;
    }

    static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(f -> out.put(root.relativize(f).toString(), f));
        }
        return out;
    }

    /** The same bytes, or for an image the same pixels (PNG's bytes may hold a time or a library's version). */
    static void assertSame(String name, Path bare, Path ours) throws IOException {
        byte[] a = Files.readAllBytes(bare);
        byte[] b = Files.readAllBytes(ours);
        if (Arrays.equals(a, b)) {
            return;
        }
        assertTrue(name.endsWith(".png"), name + " differs from bare pvbatch's");
        BufferedImage ia = ImageComparison.read(bare);
        BufferedImage ib = ImageComparison.read(ours);
        assertEquals(ia.getWidth() + "x" + ia.getHeight(), ib.getWidth() + "x" + ib.getHeight(), name);
        var d = ImageComparison.difference(ia, ib, new ImageComparison.Thresholds(0, 0, 0));
        assertEquals(0, d.differing(), name + ": pixels differ from bare pvbatch's");
    }
}
