package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.plan.Task;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;

/**
 * Sweeps for real: packed into few pvbatch processes, resumed, partly re-run, partly failing, retried,
 * detached and reattached, and recovered after the runner was killed (docs/sweeps.md).
 */
@Tag("integration")
class SweepPipelinesIT {
    @TempDir
    Path dir;

    Map<String, String> env() {
        return Map.of("PVRUN_STATE", dir.resolve("state").toString());
    }

    Cli.Result pvrun(String... args) {
        return Cli.run(env(), args);
    }

    JsonNode json(Cli.Result r) throws IOException {
        return ManifestIO.JSON.readTree(r.out());
    }

    /** A 12-point sweep of the quick start's script at a small size. */
    Path sweepSpec(String isovalues) throws IOException {
        Path spec = dir.resolve("sweep.yaml");
        Files.writeString(spec, "name: sweep\nscript: " + Repo.root().resolve("samples/wavelet/contour.py") + "\n"
                + "params: {width: 200, height: 150}\n"
                + "sweep:\n  isovalue: " + isovalues + "\n  colormap: [\"Viridis (matplotlib)\", \"Cool to Warm\"]\n"
                + "outputs: [\"*.png\"]\n");
        return spec;
    }

    @Test
    void sweepIsPackedResumedAndPartlyRerun() throws IOException {
        Path spec = sweepSpec("[120, 140, 160, 180, 200, 220]");
        String results = dir.resolve("results").toString();
        Cli.Result first = pvrun("run", spec.toString(), "-o", results, "--json");
        assertEquals(0, first.exitCode(), first.toString());
        JsonNode m = json(first);
        assertEquals(12, m.get("tasks").size());
        // ParaView started once per job, not once per task: 12 tasks in at most 2 jobs on 2 cores
        assertTrue(m.get("job_ids").size() <= 2, m.get("job_ids").toString());
        Set<String> hashes = new HashSet<>();
        for (JsonNode t : m.get("tasks")) {
            assertEquals("succeeded", t.get("status").asText());
            JsonNode png = t.get("outputs").get(0);
            hashes.add(png.get("sha256").asText());
            var img = Images.read(Path.of(m.get("run_dir").asText()).resolve(png.get("path").asText()));
            assertEquals(200, img.getWidth());
            assertTrue(Images.luminanceVariance(img) > 10, "blank image " + png);
        }
        assertEquals(12, hashes.size(), "12 points should make 12 different images");
        assertTrue(first.err().contains("12 tasks: 0 pending, 0 waiting, 0 running, 12 done, 0 failed"), first.err());

        // the same sweep again with --resume runs nothing
        Cli.Result again = pvrun("run", spec.toString(), "-o", results, "--resume", "--json");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.err().contains("--resume: 12 of 12 tasks reused"), again.err());
        JsonNode m2 = json(again);
        assertEquals(0, m2.get("job_ids").size());
        for (JsonNode t : m2.get("tasks")) {
            assertTrue(t.get("reused_from").asText().startsWith(m.get("run_id").asText() + "/tasks/"), t.toString());
        }
        LocalPipelinesIT.assertOutputsMatchFiles(Path.of(m2.get("run_dir").asText()), m2.get("tasks").get(5));

        // one changed value re-runs exactly the two tasks it touches
        sweepSpec("[120, 140, 160, 180, 200, 230]");
        Cli.Result changed = pvrun("run", spec.toString(), "-o", results, "--resume", "--json");
        assertEquals(0, changed.exitCode(), changed.toString());
        assertTrue(changed.err().contains("--resume: 10 of 12 tasks reused"), changed.err());
        List<Integer> rerun = new ArrayList<>();
        for (JsonNode t : json(changed).get("tasks")) {
            if (t.get("reused_from") == null) {
                rerun.add(t.get("index").asInt());
                assertEquals(230, t.get("params").get("isovalue").asInt());
            }
        }
        assertEquals(List.of(10, 11), rerun);
    }

    @Test
    void packedTasksRenderExactlyAsInAProcessOfTheirOwn() throws IOException {
        // task 0 leaves odd state behind (a red background on its own view, an extra source, a custom
        // colour map); every later task of the same pvbatch process must not see any of it, neither in its
        // image nor in what it can observe of the session when it starts (session.json: the views the time
        // keeper and the animation scene hold, every proxy registered)
        Files.writeString(dir.resolve("messy.py"), "import json, pvrun\nfrom paraview.simple import *\n"
                + "from paraview import servermanager\n"
                + "from paraview.modules.vtkRemotingServerManager import vtkSMProxyIterator\n"
                + "it = vtkSMProxyIterator(); it.SetSessionProxyManager(servermanager.ProxyManager().SMProxyManager)\n"
                + "it.SetModeToAll(); it.Begin(); groups = {}\n"
                + "while not it.IsAtEnd():\n"
                + "    g = it.GetGroup().split('.')[0]; groups[g] = groups.get(g, 0) + 1; it.Next()\n"
                + "json.dump({'time_keeper_views': len(GetTimeKeeper().Views),\n"
                + "           'scene_views': len(GetAnimationScene().ViewModules), 'registered': groups},\n"
                + "          open('session.json', 'w'), sort_keys=True)\n"
                + "if pvrun.param('n') == 0:\n"
                + "    v = CreateView('RenderView'); v.Background = [1, 0, 0]; v.UseColorPaletteForBackground = 0\n"
                + "    Sphere(Radius=3); GetColorTransferFunction('RTData').ApplyPreset('Jet', True)\n"
                + "    SetActiveView(v)\n"
                + "exec(open(" + ManifestIO.JSON.writeValueAsString(Repo.root().resolve("samples/wavelet/contour.py").toString())
                + ").read())\n");
        String common = "name: messy\nscript: messy.py\nparams: {width: 200, height: 150, colormap: RTData}\n"
                + "sweep:\n  n: [0, 1, 2, 3]\noutputs: [\"*.png\", \"session.json\"]\n";
        Files.writeString(dir.resolve("packed.yaml"), common + "tasks_per_job: 4\n");
        Files.writeString(dir.resolve("alone.yaml"), common + "tasks_per_job: 1\n");
        JsonNode packed = json(pvrun("run", dir.resolve("packed.yaml").toString(), "-o", dir.resolve("p").toString(), "--json"));
        JsonNode alone = json(pvrun("run", dir.resolve("alone.yaml").toString(), "-o", dir.resolve("a").toString(), "--json"));
        assertEquals(1, packed.get("job_ids").size());
        assertEquals(4, alone.get("job_ids").size());
        for (int i = 1; i < 4; i++) {
            Path packedDir = Path.of(packed.get("run_dir").asText()).resolve("tasks").resolve(Task.id(i));
            Path aloneDir = Path.of(alone.get("run_dir").asText()).resolve("tasks").resolve(Task.id(i));
            assertEquals(Files.readString(aloneDir.resolve("session.json")), Files.readString(packedDir.resolve("session.json")),
                    "task " + i + " started with what earlier tasks of its process left in the session");
            assertEquals(-1L, Files.mismatch(aloneDir.resolve("contour.png"), packedDir.resolve("contour.png")),
                    "task " + i + " rendered differently after task 0 in the same process");
        }
    }

    @Test
    void oneFailingPointFailsOnlyItsTaskAndRetriesAreRecorded() throws IOException {
        Path marker = dir.resolve("markers");
        Files.createDirectories(marker);
        Files.writeString(dir.resolve("flaky.py"), "import os, pvrun\n"
                + "n = pvrun.param('n')\n"
                + "m = os.path.join(" + ManifestIO.JSON.writeValueAsString(marker.toString()) + ", str(n))\n"
                + "if n == 2:\n    raise ValueError('point 2 is broken')\n"
                + "if n == 3 and not os.path.exists(m):\n    open(m, 'w').close()\n    raise SystemExit(3)  # a crash, once\n"
                + "open('out-%d.txt' % n, 'w').write('ok')\n");
        Files.writeString(dir.resolve("flaky.yaml"), "name: flaky\nscript: flaky.py\nsweep:\n  n: [0, 1, 2, 3, 4]\nretries: 1\n");
        Cli.Result r = pvrun("run", dir.resolve("flaky.yaml").toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode m = json(r);
        assertEquals("failed", m.get("status").asText());
        for (JsonNode t : m.get("tasks")) {
            int n = t.get("index").asInt();
            if (n == 2) {
                assertEquals("failed", t.get("status").asText());
                assertEquals(2, t.get("attempts").size(), "retried once: " + t);
                assertTrue(Files.readString(Path.of(m.get("run_dir").asText()).resolve(t.get("log").asText()))
                        .contains("ValueError: point 2 is broken"));
            } else {
                assertEquals("succeeded", t.get("status").asText(), t.toString());
                assertEquals("tasks/000" + n + "/out-" + n + ".txt", t.get("outputs").get(0).get("path").asText());
            }
            if (n == 3) {
                assertEquals(2, t.get("attempts").size(), t.toString());
                assertEquals(3, t.get("attempts").get(0).get("exit_code").asInt());
                assertEquals(0, t.get("attempts").get(1).get("exit_code").asInt());
            }
        }
        assertTrue(r.err().contains("retrying 2 failed tasks"), r.err());
        assertTrue(r.err().contains("ValueError: point 2 is broken"), r.err());
    }

    @Test
    void detachedRunIsReattachedByStatusAndFetch() throws Exception {
        Path spec = sweepSpec("[120, 160, 200]");
        Cli.Result r = pvrun("run", spec.toString(), "-o", dir.resolve("results").toString(), "--detach", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        String runId = json(r).get("run_id").asText();
        assertTrue(r.err().contains("pvrun fetch " + runId), r.err());
        assertFalse(Files.exists(Path.of(json(r).get("run_dir").asText()).resolve("manifest.json")));
        // a new process (here: a new command line) asks, then collects
        Cli.Result st = pvrun("status", runId, "--json");
        assertEquals(0, st.exitCode(), st.toString());
        assertEquals(6, json(st).get("tasks").asInt());
        Cli.Result list = pvrun("list", "--json");
        assertTrue(list.out().contains(runId), list.out());
        Cli.Result fetched = pvrun("fetch", runId, "--json");
        assertEquals(0, fetched.exitCode(), fetched.toString());
        assertEquals("succeeded", json(fetched).get("status").asText());
        assertEquals(6, json(fetched).get("tasks").size());
        Cli.Result done = pvrun("status", runId, "--json");
        assertEquals("succeeded", json(done).get("status").asText());
        Cli.Result log = pvrun("logs", runId, "--task", "1");
        assertTrue(log.out().contains("contour.png"), log.out());
    }

    @Test
    void runnerKilledMidRunIsRecoveredByFetch() throws Exception {
        Files.writeString(dir.resolve("slowish.py"), "import time, pvrun\ntime.sleep(4)\n"
                + "open('done-%s.txt' % pvrun.param('n'), 'w').write('ok')\n");
        Files.writeString(dir.resolve("slowish.yaml"), "name: slowish\nscript: slowish.py\nsweep:\n  n: [0, 1, 2, 3]\n");
        ProcessBuilder p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("slowish.yaml").toString(), "-o", dir.resolve("results").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("runner.out").toFile());
        p.environment().putAll(env());
        Process runner = p.start();
        // kill the runner once the jobs are running
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline
                && !Files.readString(dir.resolve("runner.out")).matches("(?s).* [1-9] running,.*")) {
            Thread.sleep(100);
        }
        runner.destroyForcibly();   // SIGKILL: no shutdown hook, no cancel
        assertTrue(runner.waitFor(10, TimeUnit.SECONDS));
        Path results = dir.resolve("results/slowish");
        Path runDir = LocalPipelinesIT.onlyRun(results);
        assertFalse(Files.exists(runDir.resolve("manifest.json")), "the killed runner finished after all?");
        // the jobs went on without it; a new process picks the run up
        Cli.Result fetched = pvrun("fetch", runDir.getFileName().toString(), "--json");
        assertEquals(0, fetched.exitCode(), fetched.toString() + "\nrunner said:\n"
                + Files.readString(dir.resolve("runner.out"), StandardCharsets.UTF_8));
        JsonNode m = json(fetched);
        assertEquals(4, m.get("tasks").size());
        for (JsonNode t : m.get("tasks")) {
            assertEquals("succeeded", t.get("status").asText());
            assertEquals(1, t.get("outputs").size());
        }
    }

    @Test
    void sweepOnSlurmIsOneJobArray() throws IOException, InterruptedException {
        TestCluster cluster = TestCluster.require();
        Path targets = cluster.targetsFile(dir);
        Path spec = sweepSpec("[120, 160, 200]");
        Cli.Result r = pvrun("run", spec.toString(), "-t", "ci-slurm", "--targets", targets.toString(), "-o",
                dir.resolve("results").toString(), "--json", "--jobs", "3");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = json(r);
        assertEquals(1, m.get("job_ids").size(), "one array for the run: " + m.get("job_ids"));
        assertTrue(r.err().contains("(6 tasks in 3 jobs)"), r.err());
        // the complaint: tasks queued inside a running job were counted as running. Each job runs one task at
        // a time, so no line may show more running than jobs, and a job's second task waits while its first renders
        Pattern counts = Pattern.compile("6 tasks: (\\d+) pending(?: \\([^)]*\\))?, (\\d+) waiting, (\\d+) running, ");
        boolean sawWaiting = false;
        for (String line : r.err().lines().toList()) {
            Matcher c = counts.matcher(line);
            if (c.find()) {
                assertTrue(Integer.parseInt(c.group(3)) <= 3, "more tasks running than jobs:\n" + r.err());
                sawWaiting |= Integer.parseInt(c.group(2)) > 0;
            }
        }
        assertTrue(sawWaiting, "no task was ever waiting in its running job:\n" + r.err());
        String show = ClusterPipelinesIT.exec("scontrol", "show", "job", m.get("job_ids").get(0).asText());
        assertTrue(show.contains("ArrayJobId=" + m.get("job_ids").get(0).asText()), show);
        Set<String> hashes = new HashSet<>();
        for (JsonNode t : m.get("tasks")) {
            assertEquals("succeeded", t.get("status").asText());
            hashes.add(t.get("outputs").get(0).get("sha256").asText());
        }
        assertEquals(6, hashes.size());
    }
}
