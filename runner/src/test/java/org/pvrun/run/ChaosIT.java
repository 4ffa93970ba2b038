package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;
import org.pvrun.util.Hashes;

/**
 * Faults at random moments (docs/reliability.md#faults-at-random-moments): a 200-task sweep through SSH and the
 * test cluster's two Slurm nodes (8 packed jobs as one array), during which pvrun is SIGKILLed after a random
 * delay (while staging, submitting, polling, fetching or writing the manifest: wherever it is), then
 * {@code pvrun fetch RUN} is started, and killed again, until the run is complete (a run killed before it was
 * submitted says so, and the pipeline is run again, as the message says). After each trial: every task
 * has exactly one successful attempt, its outputs verified against their hashes, no file under a temporary name,
 * no job script submitted twice (sbatch is counted by a wrapper first on the remote PATH), {@code pvrun list}
 * reads the state directory, and the queue holds nothing of the run. Then the same with SIGINT and SIGTERM:
 * the run ends cancelled, its finished tasks kept, and the queue is empty.
 *
 * <p>Trials and seed: {@code -Dpvrun.chaos.trials=20} (the CI run) and {@code -Dpvrun.chaos.seed=...}; the seed
 * of a failing trial is in the failure message, and {@code -Dpvrun.chaos.only=N} runs trial N alone. The long run
 * is documented in docs/reliability.md.
 */
@Tag("integration")
class ChaosIT {
    static final int TRIALS = Integer.getInteger("pvrun.chaos.trials", 20);
    static final long SEED = Long.getLong("pvrun.chaos.seed", 20261202L);
    /** {@code -Dpvrun.chaos.only=N}: only trial N of the seeded sequence (the one a failure named). */
    static final int ONLY = Integer.getInteger("pvrun.chaos.only", -1);

    @TempDir
    Path dir;

    Path spec() throws IOException {
        Files.writeString(dir.resolve("chaos.py"), "import pvrun\nopen('out.txt', 'w').write(str(pvrun.params['i']) * 1000)\n");
        return Files.writeString(dir.resolve("chaos.yaml"), "name: chaos\nscript: chaos.py\noutputs: [out.txt]\n"
                + "sweep: {i: {from: 0, to: 199, step: 1}}\ntasks_per_job: 25\n");
    }

    /** The run this trial made (the one with a record; a kill before it was written leaves none). */
    static Path recordedRun(Path results) throws IOException {
        Path pipeline = results.resolve("chaos");
        if (!Files.isDirectory(pipeline)) {
            return null;
        }
        try (Stream<Path> runs = Files.list(pipeline)) {
            List<Path> recorded = runs.filter(r -> Files.exists(r.resolve(RunRecord.FILE))).sorted().toList();
            return recorded.isEmpty() ? null : recorded.get(recorded.size() - 1);
        }
    }

    @Test
    void killedAtRandomMomentsNothingIsLostNothingRepeated() throws Exception {
        TestCluster cluster = TestCluster.require();
        Path targets = cluster.targetsFile(dir);
        Path spec = spec();
        Path sbatchLog = Files.createTempFile("pvrun-chaos", ".sbatch");
        Files.setPosixFilePermissions(sbatchLog, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        SplittableRandom random = new SplittableRandom(SEED);
        int kills = 0;
        System.out.printf("ChaosIT: %d trials, seed %d%n", TRIALS, SEED);
        try (AutoCloseable wrap = cluster.remotePath(Map.of("sbatch",
                "#!/bin/sh\nfor a; do s=$a; done\necho \"$s\" >>" + sbatchLog + "\nexec /usr/bin/sbatch \"$@\"\n"))) {
            for (int trial = 0; trial < TRIALS; trial++) {
                long trialSeed = random.nextLong();
                if (ONLY >= 0 && trial != ONLY) {
                    continue;  // -Dpvrun.chaos.only=N: that trial again, with its own seed
                }
                String where = "trial " + trial + " (ChaosIT seed " + SEED + ", trial seed " + trialSeed + ")";
                kills += trial(new SplittableRandom(trialSeed), targets, spec, dir.resolve("t" + trial), sbatchLog, where);
            }
        } finally {
            Files.deleteIfExists(sbatchLog);
        }
        System.out.printf("ChaosIT: %d trials, %d kills; killed %s%n", TRIALS, kills, MOMENTS);
    }

    /** How many kills came at each step, by what pvrun had printed last. */
    static final Map<String, Integer> MOMENTS = new java.util.TreeMap<>();

    static String moment(String command, String said) {
        String last = said.lines().reduce("", (a, b) -> b);
        String step = last.isEmpty() ? "starting" : last.contains("staged") ? "after staging"
                : last.contains("submitted") ? "after submitting" : last.contains(" tasks: ") ? "polling"
                : last.contains("round ") ? "after adopting its job" : "elsewhere";
        return command + " " + step;
    }

    /** One trial: kills until the run completes; returns how many kills it took. */
    int trial(SplittableRandom r, Path targets, Path spec, Path work, Path sbatchLog, String where) throws Exception {
        Files.createDirectories(work);
        Path results = work.resolve("results");
        Map<String, String> env = Map.of("PVRUN_STATE", work.resolve("state").toString(), "PVRUN_RECONNECT", "30s");
        int kills = 0;
        int ended = -1;
        StringBuilder story = new StringBuilder();
        boolean again = false; // pvrun said the run never got submitted: run the pipeline again, as it says
        for (int attempt = 0; attempt < 12 && ended != 0; attempt++) {
            Path run = recordedRun(results);
            List<String> args = run == null || again
                    ? List.of("run", spec.toString(), "-t", "ci-slurm-2nodes", "--targets", targets.toString(),
                            "-o", results.toString())
                    : List.of("fetch", run.getFileName().toString());
            Path out = work.resolve("out-" + attempt + ".txt");
            Process p = FaultsIT.pvrun(out, env, args.toArray(String[]::new));
            story.append("---- start ").append(attempt).append(": ").append(String.join(" ", args)).append('\n');
            // at most three kills a trial, each at a moment from the start to about the end of a whole run
            boolean kill = kills < 3 && r.nextInt(4) > 0;
            long delay = 200 + r.nextInt(9_000);
            if (kill && !p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(30, TimeUnit.SECONDS);
                kills++;
                MOMENTS.merge(moment(args.get(0), FaultsIT.read(out)), 1, Integer::sum);
                story.append(FaultsIT.read(out)).append("(killed after ").append(delay).append(" ms)\n");
                continue;
            }
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), where + ": pvrun did not end:\n" + story + FaultsIT.read(out));
            ended = p.exitValue();
            story.append(FaultsIT.read(out)).append("(exit ").append(ended).append(")\n");
            again = ended == 3 && FaultsIT.read(out).contains("Run the pipeline again");
            assertTrue(ended == 0 || ended == 3, where + ": exit " + ended + ":\n" + story);
        }
        assertEquals(0, ended, where + ": not complete after 12 starts:\n" + story);
        try {
            return checked(results, sbatchLog, env, where, kills);
        } catch (AssertionError | IOException e) {
            // the whole story of the trial with whatever check failed: what each start printed, when it was killed
            throw new AssertionError(e.getMessage() + "\n" + where + ":\n" + story, e);
        }
    }

    /** The checks after a trial's run completed; returns the trial's kills. */
    private int checked(Path results, Path sbatchLog, Map<String, String> env, String where, int kills) throws IOException {
        Path run = recordedRun(results);
        JsonNode m = ManifestIO.JSON.readTree(run.resolve(ManifestIO.FILE).toFile());
        assertEquals("succeeded", m.get("status").asText(), where);
        assertEquals(200, m.get("tasks").size(), where);
        for (JsonNode t : m.get("tasks")) {
            assertEquals("succeeded", t.get("status").asText(), where + ": " + t);
            long ok = 0;
            for (JsonNode a : t.get("attempts")) {
                ok += a.has("exit_code") && a.get("exit_code").asInt() == 0 ? 1 : 0;
            }
            assertEquals(1, ok, where + ": one successful attempt: " + t);
            assertEquals(String.valueOf(t.get("index").asInt()).repeat(1000),
                    Files.readString(run.resolve(String.format("tasks/%04d/out.txt", t.get("index").asInt()))), where);
        }
        FaultsIT.assertComplete(run);
        FaultsIT.assertNoPartialFiles(run);
        // no job script of this run submitted twice
        String remote = m.get("remote_dir").asText();
        Map<String, Integer> submitted = new HashMap<>();
        for (String line : Files.readAllLines(sbatchLog)) {
            if (line.startsWith(remote + "/")) {
                submitted.merge(line, 1, Integer::sum);
            }
        }
        assertFalse(submitted.isEmpty(), where + ": no submission of " + remote + " counted");
        submitted.forEach((script, n) -> assertEquals(1, n, where + ": " + script + " submitted " + n + " times"));
        Cli.Result list = Cli.run(env, "list");
        assertEquals(0, list.exitCode(), where + ": " + list);
        assertTrue(list.out().contains(run.getFileName().toString()), where + ": " + list);
        return kills;
    }

    // ------------------------------------------------------------------------------- chosen steps

    /**
     * A smaller sweep for kills at chosen steps: 8 tasks, 2 to a job, a 16 MiB input to stage and an 8 MiB output
     * a task to fetch, so that staging and fetching last long enough to be killed in.
     */
    Path stepSpec() throws IOException {
        Files.write(dir.resolve("blob.bin"), FaultsIT.randomBytes(16 << 20));
        Files.writeString(dir.resolve("steps.py"), "import os, pvrun\n"
                + "assert os.path.getsize('blob.bin') == 16 << 20\n"
                + "open('out.txt', 'w').write(str(pvrun.params['i']) * 1000)\n"
                + "open('big.bin', 'wb').write(os.urandom(8 << 20))\n");
        return Files.writeString(dir.resolve("steps.yaml"), "name: chaos\nscript: steps.py\ninputs: [blob.bin]\n"
                + "outputs: [out.txt, big.bin]\nsweep: {i: {from: 0, to: 7, step: 1}}\ntasks_per_job: 2\n");
    }

    /** When to kill: true once the first start of the trial has reached the step. */
    interface Step {
        boolean reached(String said, Path work) throws IOException;
    }

    static Step traced(String step) {
        return (said, work) -> said.lines().anyMatch(l -> l.startsWith("pvrun-trace") && l.endsWith("  " + step));
    }

    /**
     * Kills timed to a chosen step rather than by chance: SIGKILL of {@code pvrun run} as soon as it reaches each
     * step (by its PVRUN_TRACE lines, by the files it writes, or by a submission whose answer is held back), then
     * {@code pvrun fetch} (or the pipeline again, when it says so) until the run is complete, checked as above.
     */
    @Test
    void killedAtChosenStepsNothingIsLostNothingRepeated() throws Exception {
        TestCluster cluster = TestCluster.require();
        Path targets = cluster.targetsFile(dir);
        Path spec = stepSpec();
        String cache = Path.of(cluster.get("WORKDIR"), Engine.CACHE).toString();
        Path sbatchLog = Files.createTempFile("pvrun-chaos", ".sbatch");
        Path hold = dir.resolve("hold-the-answer");
        Path held = dir.resolve("answer-held");
        Files.setPosixFilePermissions(sbatchLog, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        // the wrapper runs as the target's user: it looks for the hold file and leaves its mark here
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Map<String, Step> steps = new java.util.LinkedHashMap<>();
        steps.put("before staging (run dir made)", traced("run dir"));
        // each step's input new random bytes, so that it is not in the target's cache yet and is sent again
        List<String> blobs = new ArrayList<>();
        steps.put("mid-upload of the input", (said, work) -> FaultsIT.anyFile(Path.of(cache),
                n -> n.startsWith("." + blobs.get(blobs.size() - 1) + ".part-")));
        steps.put("after staging, before sbatch", traced("staged"));
        steps.put("between sbatch and its answer", (said, work) -> Files.exists(held));
        steps.put("after the submission is recorded", traced("submitted"));
        steps.put("at the first poll", traced("poll"));
        steps.put("as collection starts", traced("collect"));
        steps.put("mid-fetch of an 8 MiB output", (said, work) -> FaultsIT.anyFile(work.resolve("results"),
                n -> n.startsWith(".big.bin") || n.startsWith(".big.bin.part-")));
        String wrapper = "#!/bin/sh\nfor a; do s=$a; done\necho \"$s\" >>" + sbatchLog + "\n"
                + "if [ -e " + hold + " ]; then out=$(/usr/bin/sbatch \"$@\"); rc=$?; touch " + held
                + "; sleep 60; echo \"$out\"; exit $rc; fi\nexec /usr/bin/sbatch \"$@\"\n";
        int trial = 0;
        try (AutoCloseable wrap = cluster.remotePath(Map.of("sbatch", wrapper))) {
            for (Map.Entry<String, Step> step : steps.entrySet()) {
                String where = "kill " + step.getKey();
                Path work = Files.createDirectories(dir.resolve("step" + trial++));
                Files.deleteIfExists(held);
                Files.write(dir.resolve("blob.bin"), FaultsIT.randomBytes(16 << 20));
                blobs.add(Hashes.sha256(dir.resolve("blob.bin")));
                if (step.getKey().startsWith("between sbatch")) {
                    Files.writeString(hold, "");
                }
                try {
                    chosenStep(step.getValue(), targets, spec, work, sbatchLog, where);
                } finally {
                    Files.deleteIfExists(hold);
                }
                System.out.printf("ChaosIT: killed %s: complete afterwards, nothing repeated%n", step.getKey());
            }
        } finally {
            Files.deleteIfExists(sbatchLog);
            for (String blob : blobs) {
                Files.deleteIfExists(Path.of(cache, blob));
            }
        }
    }

    void chosenStep(Step step, Path targets, Path spec, Path work, Path sbatchLog, String where) throws Exception {
        Path results = work.resolve("results");
        Map<String, String> env = Map.of("PVRUN_STATE", work.resolve("state").toString(), "PVRUN_TRACE", "1");
        StringBuilder story = new StringBuilder();
        Path first = work.resolve("out-0.txt");
        Process p = FaultsIT.pvrun(first, env, "run", spec.toString(), "-t", "ci-slurm-2nodes", "--targets",
                targets.toString(), "-o", results.toString());
        FaultsIT.waitUntil(where, 240, () -> step.reached(FaultsIT.read(first), work) || !p.isAlive());
        assertTrue(p.isAlive(), where + ": pvrun ended before the step:\n" + FaultsIT.read(first));
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        story.append(FaultsIT.read(first)).append("(killed ").append(where).append(")\n");
        int ended = -1;
        boolean again = false;
        for (int attempt = 1; attempt < 6 && ended != 0; attempt++) {
            Path run = recordedRun(results);
            List<String> args = run == null || again
                    ? List.of("run", spec.toString(), "-t", "ci-slurm-2nodes", "--targets", targets.toString(),
                            "-o", results.toString())
                    : List.of("fetch", run.getFileName().toString());
            Path out = work.resolve("out-" + attempt + ".txt");
            Process q = FaultsIT.pvrun(out, env, args.toArray(String[]::new));
            story.append("---- start ").append(attempt).append(": ").append(String.join(" ", args)).append('\n');
            assertTrue(q.waitFor(300, TimeUnit.SECONDS), where + ": pvrun did not end:\n" + story + FaultsIT.read(out));
            ended = q.exitValue();
            story.append(FaultsIT.read(out)).append("(exit ").append(ended).append(")\n");
            again = ended == 3 && FaultsIT.read(out).contains("Run the pipeline again");
            assertTrue(ended == 0 || ended == 3, where + ": exit " + ended + ":\n" + story);
        }
        assertEquals(0, ended, where + ": not complete:\n" + story);
        Path run = recordedRun(results);
        JsonNode m = ManifestIO.JSON.readTree(run.resolve(ManifestIO.FILE).toFile());
        assertEquals("succeeded", m.get("status").asText(), where);
        assertEquals(8, m.get("tasks").size(), where);
        for (JsonNode t : m.get("tasks")) {
            long ok = 0;
            for (JsonNode a : t.get("attempts")) {
                ok += a.has("exit_code") && a.get("exit_code").asInt() == 0 ? 1 : 0;
            }
            assertEquals(1, ok, where + ": one successful attempt: " + t + "\n" + story);
            assertEquals(String.valueOf(t.get("index").asInt()).repeat(1000),
                    Files.readString(run.resolve(String.format("tasks/%04d/out.txt", t.get("index").asInt()))), where);
        }
        FaultsIT.assertComplete(run);
        FaultsIT.assertNoPartialFiles(run);
        String remote = m.get("remote_dir").asText();
        Map<String, Integer> submitted = new HashMap<>();
        for (String line : Files.readAllLines(sbatchLog)) {
            if (line.startsWith(remote + "/")) {
                submitted.merge(line, 1, Integer::sum);
            }
        }
        assertFalse(submitted.isEmpty(), where + ": no submission of " + remote + " counted");
        submitted.forEach((script, n) -> assertEquals(1, n, where + ": " + script + " submitted " + n + " times\n" + story));
        Cli.Result list = Cli.run(env, "list");
        assertEquals(0, list.exitCode(), where + ": " + list);
        assertTrue(list.out().contains(run.getFileName().toString()), where + ": " + list);
    }

    /**
     * SIGINT and SIGTERM at random moments: the run ends cancelled (130, 143) with what had finished kept, or, when
     * the signal came before anything was submitted, without a job; either way nothing of it is left in the queue.
     */
    @Test
    void interruptedAtRandomMomentsEndsCancelledWithAnEmptyQueue() throws Exception {
        TestCluster cluster = TestCluster.require();
        Path targets = cluster.targetsFile(dir);
        Path spec = spec();
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int trial = 0; trial < Math.max(2, TRIALS / 5); trial++) {
            String signal = trial % 2 == 0 ? "INT" : "TERM";
            long delay = 500 + random.nextInt(10_000);
            String where = "SIG" + signal + " after " + delay + " ms (trial " + trial + ", seed " + (SEED + 1) + ")";
            Path work = Files.createDirectories(dir.resolve("s" + trial));
            Path out = work.resolve("out.txt");
            Map<String, String> env = Map.of("PVRUN_STATE", work.resolve("state").toString());
            Process p = FaultsIT.pvrun(out, env, "run", spec.toString(), "-t", "ci-slurm-2nodes", "--targets",
                    targets.toString(), "-o", work.resolve("results").toString());
            if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                assertEquals(0, p.exitValue(), where + ": finished first:\n" + FaultsIT.read(out));
                continue;
            }
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), where + ":\n" + FaultsIT.read(out));
            String said = FaultsIT.read(out);
            assertTrue(p.exitValue() == 130 || p.exitValue() == 143 || p.exitValue() == 0, where + ": exit "
                    + p.exitValue() + ":\n" + said);
            Path run = recordedRun(work.resolve("results"));
            if (run != null && Files.exists(run.resolve(ManifestIO.FILE))) {
                JsonNode m = ManifestIO.JSON.readTree(run.resolve(ManifestIO.FILE).toFile());
                if (p.exitValue() != 0) {
                    assertEquals("cancelled", m.get("status").asText(), where + ":\n" + said);
                }
                for (JsonNode t : m.get("tasks")) {
                    if (t.get("status").asText().equals("succeeded")) {
                        assertEquals(String.valueOf(t.get("index").asInt()).repeat(1000), Files.readString(
                                run.resolve(String.format("tasks/%04d/out.txt", t.get("index").asInt()))), where);
                    }
                }
                FaultsIT.assertComplete(run);
                List<String> ids = new ArrayList<>();
                m.get("job_ids").forEach(j -> ids.add(j.asText()));
                String queue = ClusterPipelinesIT.exec("squeue", "--noheader", "--array", "--format=%i %t");
                for (String id : ids) {
                    assertFalse(queue.lines().anyMatch(l -> (l.startsWith(id + "_") || l.startsWith(id + " "))
                            && !l.endsWith(" CA") && !l.endsWith(" CD")), where + ": still queued:\n" + queue);
                }
            }
        }
    }
}
