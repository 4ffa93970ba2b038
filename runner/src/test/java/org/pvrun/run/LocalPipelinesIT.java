package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;
import org.pvrun.testing.Repo;
import org.pvrun.util.Hashes;

/** The shipped pipelines rendered for real by pvbatch on this machine (under Xvfb, and MPI for 2 ranks). */
@Tag("integration")
class LocalPipelinesIT {

    @Test
    void quickstartRendersTheRequestedSizeAndTheManifestMatchesTheFiles(@TempDir Path results) throws IOException {
        Cli.Result r = Cli.run("run", Repo.pipeline("quickstart.yaml").toString(), "-o", results.toString(),
                "-s", "width=640", "-s", "height=480");
        assertEquals(0, r.exitCode(), r.toString());
        Path runDir = onlyRun(results.resolve("quickstart"));
        JsonNode m = ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
        assertEquals("succeeded", m.get("status").asText());
        assertEquals("5.11.0", m.get("paraview_version").asText());
        // one rank on ParaView 5.11: pvbatch ran without MPI (docs/runtime.md#mpi)
        assertEquals("--no-mpi", m.get("command").get(1).asText(), m.get("command").toString());
        // no path of the scratch folder, which is gone: relative to the run's working folder (docs/results.md)
        assertTrue(m.get("command").toString().contains("\"runtime/pvrun_driver.py\"")
                && !m.get("command").toString().contains(".work"), m.get("command").toString());
        assertEquals(Hashes.sha256(Repo.pipeline("quickstart.yaml")), m.get("spec_sha256").asText());
        assertEquals(Hashes.sha256(Repo.root().resolve("samples/wavelet/contour.py")), m.get("script_sha256").asText());
        JsonNode task = m.get("tasks").get(0);
        assertEquals(640, task.get("params").get("width").asInt());
        assertEquals(0, task.get("exit_code").asInt());
        assertOutputsMatchFiles(runDir, task);
        Path png = runDir.resolve("tasks/0000/contour.png");
        BufferedImage img = Images.read(png);
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        assertTrue(Images.luminanceVariance(img) > 50, "image looks blank");
        assertTrue(r.out().contains("tasks/0000/contour.png"), r.out());
        assertFalse(Files.exists(runDir.resolve(".work")), "scratch left behind");
    }

    @Test
    void twoRanksCooperateUnderMpi(@TempDir Path results) throws IOException {
        Cli.Result r = Cli.run("run", Repo.pipeline("parallel.yaml").toString(), "-o", results.toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode summary = ManifestIO.JSON.readTree(r.out());
        Path runDir = Path.of(summary.get("run_dir").asText());
        assertEquals(2, summary.get("ranks").asInt());
        assertTrue(summary.get("command").get(0).asText().endsWith("mpiexec"), summary.get("command").toString());
        assertFalse(summary.get("command").toString().contains("--no-mpi"), summary.get("command").toString());
        JsonNode partitions = ManifestIO.JSON.readTree(runDir.resolve("tasks/0000/partitions.json").toFile());
        // both ranks computed part of the data: the process-id array spans 0 and 1
        assertEquals(2, partitions.get("ranks").asInt(), partitions.toString());
        assertEquals(List.of(0, 1), ManifestIO.JSON.convertValue(partitions.get("process_ids"), List.class));
        BufferedImage img = Images.read(runDir.resolve("tasks/0000/ranks.png"));
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
        assertTrue(Images.luminanceVariance(img) > 50, "image looks blank");
        assertOutputsMatchFiles(runDir, summary.get("tasks").get(0));
    }

    @Test
    void extractsPipelineWritesDataBesidesImages(@TempDir Path results) throws IOException {
        Cli.Result r = Cli.run("run", Repo.pipeline("extracts.yaml").toString(), "-o", results.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path runDir = onlyRun(results.resolve("slice-extracts"));
        JsonNode m = ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
        List<String> paths = m.get("tasks").get(0).get("outputs").findValuesAsText("path");
        assertTrue(paths.stream().anyMatch(p -> p.endsWith(".png")), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.startsWith("tasks/0000/extracts/") && p.endsWith(".vtp")), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.endsWith(".csv")), paths.toString());
        assertEquals(1, m.get("inputs").size());
        assertOutputsMatchFiles(runDir, m.get("tasks").get(0));
    }

    @Test
    void failingScriptShowsTracebackAndLogAndExits1(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("boom.py"), "import sys\nprint('starting', sys.argv[1:])\n"
                + "def render():\n    raise ValueError('isovalue out of range')\nrender()\n");
        Files.writeString(dir.resolve("boom.yaml"), "name: boom\nscript: boom.py\nparams: {x: \"$(touch "
                + dir.resolve("canary") + ")\"}\nargs: [\"--x\", \"{x}\"]\n");
        Cli.Result r = Cli.run("run", dir.resolve("boom.yaml").toString(), "-o", dir.resolve("res").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("ValueError: isovalue out of range"), r.err());
        assertTrue(r.err().contains("boom.py\", line 5"), r.err());
        assertFalse(r.err().contains("pvrun_driver.py"), "driver frames leak into the traceback:\n" + r.err());
        assertTrue(r.err().contains("log: "), r.err());
        Path runDir = onlyRun(dir.resolve("res/boom"));
        String log = Files.readString(runDir.resolve("logs/0000.log"));
        // the argument arrived as one piece of data, never run by a shell
        assertTrue(log.contains("starting ['--x', '$(touch " + dir.resolve("canary") + ")']"), log);
        assertFalse(Files.exists(dir.resolve("canary")));
        JsonNode m = ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
        assertEquals("failed", m.get("status").asText());
        assertEquals(1, m.get("tasks").get(0).get("exit_code").asInt());
    }

    @Test
    void timeoutStopsPvbatchAndSaysSo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("slow.py"), "import time\ntime.sleep(600)\n");
        Files.writeString(dir.resolve("slow.yaml"), "name: slow\nscript: slow.py\ntimeout: 3s\n");
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run(Map.of(), "run", dir.resolve("slow.yaml").toString(), "-o", dir.resolve("res").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("timed out after 3s"), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "timeout not enforced");
    }

    @Test
    void aPvbatchThatDoesNotExitAfterItsLastTaskIsEndedAfterTheGracePeriod(@TempDir Path dir) throws Exception {
        // Python waits at exit for a thread the script left running, so this pvbatch would never exit on its own
        Files.writeString(dir.resolve("lingers.py"), "import threading, time\nopen('out.txt', 'w').write('done')\n"
                + "threading.Thread(target=time.sleep, args=(3600,)).start()\n");
        Files.writeString(dir.resolve("lingers.yaml"), "name: lingers\nscript: lingers.py\noutputs: [out.txt]\n"
                + "target: {env: {PVRUN_EXIT_GRACE: \"3\"}}\n");
        Cli.Result r = Cli.run(Map.of(), "run", dir.resolve("lingers.yaml").toString(), "-o", dir.resolve("res").toString());
        assertEquals(0, r.exitCode(), r.toString());
        String runId = onlyRun(dir.resolve("res/lingers")).getFileName().toString();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (processesMentioning(runId) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, processesMentioning(runId), "pvbatch of run " + runId + " still running 30 s after the run");
    }

    @Test
    void ctrlCStopsPvbatchLeavesNoOrphansAndExits130(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slow.py"), "import time\nprint('started', flush=True)\ntime.sleep(300)\n");
        Files.writeString(dir.resolve("slow.yaml"), "name: slow\nscript: slow.py\nranks: 2\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("slow.yaml").toString(), "-o", dir.resolve("res").toString())
                .redirectErrorStream(true).start();
        // wait until the script runs under pvbatch (its log says so)
        Path log = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> s = Files.exists(dir.resolve("res/slow")) ? Files.walk(dir.resolve("res/slow")) : Stream.empty()) {
                log = s.filter(f -> f.toString().endsWith("logs/0000.log")).findFirst().orElse(null);
            }
            if (log != null && Files.readString(log).contains("started")) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(log != null && Files.readString(log).contains("started"), "the script never started");
        // the log is in the run's scratch (RUN/.work/logs/0000.log) until the run is collected
        Path runDir = log;
        while (!runDir.getParent().getFileName().toString().equals("slow")) {
            runDir = runDir.getParent();
        }
        String runId = runDir.getFileName().toString();
        assertTrue(processesMentioning(runId) >= 2, "expected mpiexec and pvbatch running");
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), out);
        assertEquals(0, processesMentioning(runId), "pvbatch or mpiexec left running; pvrun said:\n" + out
                + "\nprocesses:\n" + ClusterPipelinesIT.exec("sh", "-c", "ps -eo pid,pgid,sid,stat,cmd | grep " + runId));
        JsonNode m = ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
        assertEquals("cancelled", m.get("status").asText());
    }

    /**
     * The job's exit file is written before the scratch folder is removed: the job's output (moved into the
     * results while bash still writes to it) never ends with {@code job-0.exit.tmp: No such file or directory},
     * which 16 of 19 local runs showed when the folder went at the last verdict.
     */
    @Test
    void aLocalJobWritesItsExitFileBeforeItsFolderIsRemoved(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("quick.py"), "open('out.txt', 'w').write('x')\n");
        Files.writeString(dir.resolve("quick.yaml"), "name: quick\nscript: quick.py\noutputs: [out.txt]\n"
                + "sweep: {i: [0, 1, 2]}\ntasks_per_job: 1\n");
        Cli.Result r = Cli.run("run", dir.resolve("quick.yaml").toString(), "-o", dir.resolve("res").toString(), "--jobs", "3");
        assertEquals(0, r.exitCode(), r.toString());
        Path runDir = onlyRun(dir.resolve("res/quick"));
        Thread.sleep(2000); // a job still ending would write its complaint by now
        for (int j = 0; j < 3; j++) {
            String out = Files.readString(runDir.resolve("logs/job-" + j + ".out"));
            assertFalse(out.contains("No such file or directory"), "job-" + j + ".out:\n" + out);
        }
        assertFalse(Files.exists(runDir.resolve(".work")), "scratch left behind");
    }

    /** Ctrl-C keeps what had finished locally too: nothing finished is deleted with the scratch folder. */
    @Test
    void ctrlCKeepsTheTasksThatHadFinished(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("some.py"), "import pvrun, time\nif pvrun.params['i'] > 0:\n    time.sleep(300)\n"
                + "open('out.txt', 'w').write('done')\n");
        Files.writeString(dir.resolve("some.yaml"), "name: some\nscript: some.py\noutputs: [out.txt]\n"
                + "sweep: {i: [0, 1]}\ntasks_per_job: 1\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("some.yaml").toString(), "-o", dir.resolve("res").toString(), "--jobs", "2")
                .redirectErrorStream(true).start();
        java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null && !line.contains("1 done")) {
            seen.append(line).append('\n');
        }
        assertTrue(line != null, "task 0 never finished:\n" + seen);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        while ((line = lines.readLine()) != null) {
            seen.append(line).append('\n');
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), seen.toString());
        Path runDir = onlyRun(dir.resolve("res/some"));
        JsonNode m = ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
        assertEquals("cancelled", m.get("status").asText());
        assertEquals("succeeded", m.get("tasks").get(0).get("status").asText(), m.toString());
        assertEquals("done", Files.readString(runDir.resolve("tasks/0000/out.txt")));
        assertEquals("cancelled", m.get("tasks").get(1).get("status").asText(), m.toString());
    }

    /** Processes whose command line mentions the text (the run id is in the driver's and job file's paths). */
    static long processesMentioning(String text) throws IOException {
        long n = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(f -> f.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.ISO_8859_1).contains(text)) {
                        n++;
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return n;
    }

    static Path onlyRun(Path pipelineDir) throws IOException {
        try (Stream<Path> s = Files.list(pipelineDir)) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.get(0);
        }
    }

    static void assertOutputsMatchFiles(Path runDir, JsonNode task) throws IOException {
        assertTrue(task.get("outputs").size() > 0, "no outputs recorded");
        for (JsonNode o : task.get("outputs")) {
            Path f = runDir.resolve(o.get("path").asText());
            assertTrue(Files.isRegularFile(f), "missing " + f);
            assertEquals(o.get("bytes").asLong(), Files.size(f));
            assertEquals(o.get("sha256").asText(), Hashes.sha256(f), "hash of " + f);
        }
    }
}
