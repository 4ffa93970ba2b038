package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.CuttableProxy;
import org.pvrun.testing.TestCluster;
import org.pvrun.util.Hashes;

/**
 * Faults injected into real runs (docs/reliability.md, Faults): SSH connections cut while staging, polling and
 * fetching (through a relay in front of the login sshd, so other tests' connections are untouched), slurmctld
 * restarted mid-run, Slurm's time limit, a killed pvbatch, crashing and output-less scripts, a full disk and two
 * runners at once. In each, nothing verified is lost and nothing partial looks complete.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    @TempDir
    Path dir;
    TestCluster cluster;

    /** Random inputs this test sent to the shared input cache on the target, removed afterwards (they are big). */
    final List<String> cachedInputs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cluster = TestCluster.require();
    }

    @org.junit.jupiter.api.AfterEach
    void removeWhatWasLeftOnTheTarget() throws IOException {
        // run directories on the target are kept by design; this test's are large and of no use to anyone
        Path results = dir.resolve("results");
        if (Files.isDirectory(results)) {
            try (Stream<Path> runs = Files.list(results).flatMap(FaultsIT::listOrEmpty)) {
                for (Path run : runs.toList()) {
                    org.apache.commons.io.FileUtils.deleteQuietly(Path.of(cluster.get("WORKDIR"),
                            run.getParent().getFileName().toString(), run.getFileName().toString()).toFile());
                }
            }
        }
        Path cache = Path.of(cluster.get("WORKDIR"), Engine.CACHE);
        for (String hash : cachedInputs) {
            try (Stream<Path> s = Files.list(cache)) {
                for (Path f : s.filter(f -> f.getFileName().toString().equals(hash)
                        || f.getFileName().toString().startsWith("." + hash + ".part-")).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    Map<String, String> env() {
        return Map.of("PVRUN_STATE", dir.resolve("state").toString());
    }

    /** The cluster's targets plus flaky-ssh (no scheduler) and flaky-slurm, both reaching the login node through {@code proxy}. */
    Path targets(CuttableProxy proxy) throws IOException {
        Path known = dir.resolve("known_hosts");
        String hosts = Files.readString(cluster.path("KNOWN_HOSTS"));
        StringBuilder k = new StringBuilder(hosts);
        for (String line : hosts.lines().toList()) {
            if (line.startsWith(cluster.loginKnownHostsName() + " ")) {
                k.append('\n').append("[127.0.0.1]:").append(proxy == null ? 1 : proxy.port())
                        .append(line.substring(cluster.loginKnownHostsName().length())).append('\n');
            }
        }
        Files.writeString(known, k.toString());
        Path file = cluster.targetsFile(dir, known.toString());
        if (proxy != null) {
            String ssh = "    host: 127.0.0.1\n    port: " + proxy.port() + "\n    user: " + cluster.get("SSH_USER") + "\n"
                    + "    identity: " + cluster.get("KEY") + "\n    known_hosts: " + known + "\n"
                    + "    workdir: " + cluster.get("WORKDIR") + "\n    display: xvfb\n    poll: 1s\n";
            Files.writeString(file, Files.readString(file)
                    + "  flaky-ssh:\n" + ssh + "    scheduler: none\n"
                    + "  flaky-openssh:\n" + ssh + "    transport: openssh\n    scheduler: none\n"
                    + "  flaky-slurm:\n" + ssh + "    scheduler: slurm\n"
                    + "    resources: {partition: " + cluster.get("PARTITION") + ", time: \"00:10:00\"}\n");
        }
        return file;
    }

    Path spec(String name, String script, String more) throws IOException {
        Files.writeString(dir.resolve(name + ".py"), script);
        Path spec = dir.resolve(name + ".yaml");
        Files.writeString(spec, "name: " + name + "\nscript: " + name + ".py\n" + more);
        return spec;
    }

    /** pvrun as a process of its own (as a user runs it), output to {@code out}. */
    Process start(Path out, Map<String, String> extraEnv, String... args) throws IOException {
        Map<String, String> e = new HashMap<>(env());
        e.putAll(extraEnv);
        return pvrun(out, e, args);
    }

    static Process pvrun(Path out, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** {@code pvrun run SPEC -t TARGET} as a process of its own, its output in {@code runner.out}. */
    Process run(Path spec, String target, Path targets, Map<String, String> extraEnv, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", spec.toString(), "-t", target, "--targets", targets.toString(),
                "-o", dir.resolve("results").toString()));
        args.addAll(List.of(more));
        return start(dir.resolve("runner.out"), extraEnv, args.toArray(String[]::new));
    }

    CuttableProxy loginProxy() throws IOException {
        return new CuttableProxy(cluster.get("LOGIN_HOST"), cluster.port("LOGIN_PORT"));
    }

    interface Check {
        boolean ok() throws IOException, InterruptedException;
    }

    static void waitUntil(String what, int seconds, Check c) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            try {
                if (c.ok()) {
                    return;
                }
            } catch (NoSuchFileException e) {
                // not there yet, or just renamed
            }
            Thread.sleep(5);
        }
        fail("gave up waiting " + seconds + " s for " + what);
    }

    static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    static boolean anyFile(Path root, java.util.function.Predicate<String> name) throws IOException {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.anyMatch(p -> name.test(p.getFileName().toString()));
        } catch (java.io.UncheckedIOException e) {
            return false; // a file renamed or removed while walking
        }
    }

    static Stream<Path> listOrEmpty(Path d) {
        try {
            return Files.list(d);
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    static JsonNode manifest(Path runDir) throws IOException {
        return ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
    }

    /** Every recorded output is there with its recorded size and hash, and no half-copied file is anywhere. */
    static void assertComplete(Path runDir) throws IOException {
        JsonNode m = manifest(runDir);
        for (JsonNode t : m.get("tasks")) {
            for (JsonNode o : t.get("outputs")) {
                Path f = runDir.resolve(o.get("path").asText());
                assertEquals(o.get("bytes").asLong(), Files.size(f), f.toString());
                assertEquals(o.get("sha256").asText(), Hashes.sha256(f), f.toString());
            }
        }
        assertNoPartialFiles(runDir);
    }

    /** The one task succeeded in the one job submitted (never submitted twice), on its first attempt. */
    static void assertDoneByOneJob(Path run) throws IOException {
        JsonNode m = manifest(run);
        assertEquals("succeeded", m.get("status").asText());
        assertEquals(1, m.get("job_ids").size(), "submitted again: " + m.get("job_ids"));
        assertEquals(1, m.get("tasks").get(0).get("attempts").size(), m.toString());
        assertEquals("ok", Files.readString(run.resolve("tasks/0000/done.txt")));
        assertComplete(run);
    }

    static void assertNoPartialFiles(Path runDir) throws IOException {
        // pvrun's temporary names are .NAME.part-RANDOM, rsync's .NAME.RANDOM: nothing in a run directory is hidden
        if (anyFile(runDir, n -> n.startsWith("."))) {
            List<String> hidden;
            try (Stream<Path> s = Files.walk(runDir)) {
                hidden = s.filter(p -> p.getFileName().toString().startsWith(".")).map(p -> runDir.relativize(p).toString())
                        .toList();
            }
            fail("a temporary file was left in " + runDir + ": " + hidden);
        }
        assertFalse(Files.exists(runDir.resolve(".fetch")), ".fetch left behind in " + runDir);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom();
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    // ------------------------------------------------------------------------------------ SSH drops

    /** {@code blob.bin}: random bytes no earlier run can have sent; returns their SHA-256. */
    String randomInput(int bytes) throws IOException {
        byte[] data = randomBytes(bytes);
        String hash = Hashes.sha256(data);
        cachedInputs.add(hash);
        Files.write(dir.resolve("blob.bin"), data);
        return hash;
    }

    /** Waits until the input is on its way: under its temporary name in the target's input cache. */
    Path waitForUpload(String hash) throws IOException, InterruptedException {
        Path cache = Path.of(cluster.get("WORKDIR"), Engine.CACHE);
        waitUntil("the upload of the input", 120, () -> anyFile(cache, n -> n.startsWith("." + hash + ".part-")));
        return cache;
    }

    @Test
    void sshCutWhileStagingAnInputIsRepeatedAndTheInputArrivesWhole() throws Exception {
        try (CuttableProxy proxy = loginProxy()) {
            Path targets = targets(proxy);
            String hash = randomInput(96 << 20);
            Path spec = spec("faults-stage", "import hashlib\n"
                    + "open('digest.txt', 'w').write(hashlib.sha256(open('blob.bin', 'rb').read()).hexdigest())\n",
                    "inputs: [blob.bin]\noutputs: [digest.txt]\n");
            Path out = dir.resolve("runner.out");
            Process p = run(spec, "flaky-ssh", targets, Map.of());
            Path cache = waitForUpload(hash);
            proxy.cut();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS));
            String said = read(out);
            assertEquals(0, p.exitValue(), said);
            assertTrue(said.contains("lost the connection to ssh pvci@127.0.0.1:" + proxy.port()), said);
            assertTrue(said.contains("reconnecting in 1s"), said);
            assertTrue(proxy.accepted() >= 2, "pvrun never reconnected: " + proxy.accepted());
            Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-stage"));
            assertComplete(run);
            // the script read the very bytes we have: the repeated upload replaced the cut one
            assertEquals(hash, Files.readString(run.resolve("tasks/0000/digest.txt")));
            assertEquals(hash, Hashes.sha256(cache.resolve(hash)));
        }
    }

    @Test
    void sshDownWhileStagingBeyondTheBudgetSubmitsNothingAndSaysSo() throws Exception {
        try (CuttableProxy proxy = loginProxy()) {
            Path targets = targets(proxy);
            String hash = randomInput(64 << 20);
            Path spec = spec("faults-unstaged", "open('done.txt', 'w').write('ok')\n",
                    "inputs: [blob.bin]\noutputs: [done.txt]\n");
            Path out = dir.resolve("runner.out");
            Process p = run(spec, "flaky-slurm", targets, Map.of("PVRUN_RECONNECT", "2s"));
            Path cache = waitForUpload(hash);
            proxy.refuse();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String said = read(out);
            assertEquals(3, p.exitValue(), said);
            Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-unstaged"));
            String runId = run.getFileName().toString();
            assertTrue(said.contains("gave up after") && said.contains("run " + runId + " was not submitted; nothing runs"), said);
            assertFalse(said.contains("submitted slurm job"), said);
            assertFalse(Files.exists(Path.of(cache.toString(), hash)), "a half-sent input under its final name");
            assertFalse(Files.exists(run.resolve("manifest.json")));
            // asked later, the run says what it is, and fetch does not pretend to complete it
            proxy.accept();
            Cli.Result st = Cli.run(env(), "status", runId, "--json");
            assertEquals(0, st.exitCode(), st.toString());
            assertTrue(ManifestIO.JSON.readTree(st.out()).get("status").asText().startsWith("not submitted"), st.out());
            Cli.Result f = Cli.run(env(), "fetch", runId);
            assertEquals(3, f.exitCode(), f.toString());
            assertTrue(f.err().contains("was never submitted"), f.err());
            assertFalse(Files.exists(run.resolve("manifest.json")));
        }
    }

    @Test
    void sshCutWhilePollingIsSurvivedWithoutSubmittingAgain() throws Exception {
        try (CuttableProxy proxy = loginProxy()) {
            Path targets = targets(proxy);
            Path spec = spec("faults-poll", "import time\nprint('started', flush=True)\ntime.sleep(6)\n"
                    + "open('done.txt', 'w').write('ok')\n", "outputs: [done.txt]\n");
            Path out = dir.resolve("runner.out");
            Process p = run(spec, "flaky-slurm", targets, Map.of());
            waitUntil("the job to run", 120, () -> read(out).contains(" 1 running"));
            int before = proxy.accepted();
            proxy.cut();
            // the second cut once pvrun is connected again, whenever its backoff lets it
            waitUntil("pvrun to connect again", 60, () -> proxy.accepted() >= before + 1);
            Thread.sleep(300);
            proxy.cut();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String said = read(out);
            assertEquals(0, p.exitValue(), said);
            assertTrue(proxy.accepted() >= before + 2, "connections: " + before + " before, " + proxy.accepted() + " after\n" + said);
            Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-poll"));
            assertDoneByOneJob(run);
        }
    }

    @Test
    void sshdServingThePollsKilledIsSurvived() throws Exception {
        // the real thing, without the relay: SIGKILL to the sshd processes serving pvrun's own connection (found by
        // its client port); the listener and everyone else's connections stay
        Path targets = targets(null);
        Path spec = spec("faults-sshd", "import time\ntime.sleep(6)\nopen('done.txt', 'w').write('ok')\n",
                "outputs: [done.txt]\n");
        Path out = dir.resolve("runner.out");
        Process p = run(spec, "ci-slurm", targets, Map.of());
        waitUntil("the job to run", 120, () -> read(out).contains(" 1 running"));
        List<Long> sshd = sshdServing(p.pid(), cluster.port("LOGIN_PORT"));
        assertFalse(sshd.isEmpty(), "no sshd serves pvrun's connection");
        new ProcessBuilder(Stream.concat(Stream.of("kill", "-KILL"), sshd.stream().map(String::valueOf)).toList()).start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String said = read(out);
        assertEquals(0, p.exitValue(), said);
        assertDoneByOneJob(LocalPipelinesIT.onlyRun(dir.resolve("results/faults-sshd")));
        long listener = Long.parseLong(Files.readString(Path.of("/tmp/pvrun-testcluster/run/sshd-login.pid")).strip());
        assertTrue(ProcessHandle.of(listener).map(ProcessHandle::isAlive).orElse(false), "the login sshd itself died");
    }

    /** The sshd processes at the server end of {@code clientPid}'s connections to port {@code port} (ss -tnp). */
    static List<Long> sshdServing(long clientPid, int port) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        String clients = ClusterPipelinesIT.exec("ss", "-tnpH", "state", "established", "( dport = :" + port + " )");
        for (String c : clients.lines().filter(l -> l.contains("pid=" + clientPid + ",")).toList()) {
            String local = c.strip().split("\\s+")[2];
            String clientPort = local.substring(local.lastIndexOf(':') + 1);
            String servers = ClusterPipelinesIT.exec("ss", "-tnpH", "state", "established",
                    "( sport = :" + port + " and dport = :" + clientPort + " )");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sshd\",pid=(\\d+)").matcher(servers);
            while (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    @Test
    void sshDownLongerThanTheBudgetExits3AndFetchCompletesTheRunLater() throws Exception {
        try (CuttableProxy proxy = loginProxy()) {
            Path targets = targets(proxy);
            Path spec = spec("faults-budget", "import time\ntime.sleep(8)\nopen('done.txt', 'w').write('ok')\n",
                    "outputs: [done.txt]\n");
            Path out = dir.resolve("runner.out");
            Process p = run(spec, "flaky-slurm", targets, Map.of("PVRUN_RECONNECT", "3s"));
            waitUntil("the job to run", 120, () -> read(out).contains(" 1 running"));
            long down = System.nanoTime();
            proxy.refuse();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            long gaveUpAfter = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - down);
            String said = read(out);
            assertEquals(3, p.exitValue(), said);
            Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-budget"));
            String runId = run.getFileName().toString();
            assertTrue(said.contains("reconnecting in 1s") && said.contains("reconnecting in 2s"), said);
            assertTrue(said.contains("gave up after 3 attempts and 3s of waiting"), said);
            assertTrue(said.contains("PVRUN_RECONNECT=3s"), said);
            assertTrue(said.contains("pvrun fetch " + runId), said);
            assertFalse(said.contains("Exception"), said);
            assertTrue(gaveUpAfter <= 20, "took " + gaveUpAfter + " s to give up");
            assertFalse(Files.exists(run.resolve("manifest.json")), "a manifest for an unfinished run");
            // the login node is back: a new process collects the run, whose job went on meanwhile
            proxy.accept();
            Cli.Result f = Cli.run(env(), "fetch", runId, "--json");
            assertEquals(0, f.exitCode(), f.toString());
            assertDoneByOneJob(run);
        }
    }

    @Test
    void sshCutWhileFetchingLeavesNoHalfFileAndTheFetchIsRepeated() throws Exception {
        cutWhileFetching("flaky-ssh");
    }

    @Test
    void opensshCutWhileFetchingLeavesNoHalfFileAndTheFetchIsRepeated() throws Exception {
        cutWhileFetching("flaky-openssh");
    }

    void cutWhileFetching(String target) throws Exception {
        try (CuttableProxy proxy = loginProxy()) {
            Path targets = targets(proxy);
            Path spec = spec("faults-fetch", "import os\nfor i in range(3):\n"
                    + "    open('big-%d.bin' % i, 'wb').write(os.urandom(40 << 20))\n", "outputs: [\"*.bin\"]\n");
            Path out = dir.resolve("runner.out");
            Process p = run(spec, target, targets, Map.of());
            Path results = dir.resolve("results/faults-fetch");
            waitUntil("the fetch", 120, () -> anyFile(results, n -> n.startsWith(".big-")));
            proxy.cut();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String said = read(out);
            assertEquals(0, p.exitValue(), said);
            assertTrue(said.contains("lost the connection"), said);
            Path run = LocalPipelinesIT.onlyRun(results);
            JsonNode m = manifest(run);
            assertEquals("succeeded", m.get("status").asText());
            assertEquals(3, m.get("tasks").get(0).get("outputs").size());
            assertComplete(run);
        }
    }

    // ------------------------------------------------------------------------------------ Slurm

    @Test
    void slurmctldRestartWhilePollingIsTransient() throws Exception {
        Path targets = targets(null);
        Path spec = spec("faults-ctld", "import time\ntime.sleep(12)\nopen('done.txt', 'w').write('ok')\n",
                "outputs: [done.txt]\n");
        Path out = dir.resolve("runner.out");
        Process p = run(spec, "ci-slurm", targets, Map.of("PVRUN_TRACE", "1"), "--verbose");
        Path pidFile = Path.of("/tmp/pvrun-testcluster/run/slurmctld.pid");
        try {
            waitUntil("the job to run", 120, () -> read(out).contains(" 1 running"));
            // and its task to have started: srun needs the controller to create the job step, so an outage
            // before that fails the job (reported as "not run", a case of its own); this one is while polling
            Path remoteRuns = Path.of(cluster.get("WORKDIR"), "faults-ctld");
            waitUntil("the task to start", 120, () -> {
                try (var runs = Files.list(remoteRuns)) {
                    return runs.anyMatch(r -> Files.exists(r.resolve("status/0000.started")));
                }
            });
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle ctld = ProcessHandle.of(pid).orElseThrow();
            ctld.destroy();
            assertTrue(ctld.onExit().get(20, TimeUnit.SECONDS) != null);
            // the controller is really gone: the queue cannot be asked
            assertNotEquals(0, new ProcessBuilder("squeue", "-h").redirectErrorStream(true).start().waitFor());
            Thread.sleep(3000);
            assertEquals(0, new ProcessBuilder("slurmctld", "-f", "/tmp/pvrun-testcluster/slurm/slurm.conf")
                    .redirectErrorStream(true).start().waitFor());
            waitUntil("slurmctld to answer", 60, () -> new ProcessBuilder("scontrol", "ping").start().waitFor() == 0
                    && ClusterPipelinesIT.exec("scontrol", "ping").contains("UP"));
        } finally {
            ensureSlurmctld(pidFile);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String said = read(out);
        assertEquals(0, p.exitValue(), said);
        // squeue (Slurm 22.05) does not fail while the controller is away: it waits for it, so pvrun's poll waited
        // too, through the outage: a gap of several seconds between polls (PVRUN_TRACE)
        assertTrue(longestPollGapMs(said) >= 5000, "no poll spanned the outage:\n" + said);
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-ctld"));
        assertDoneByOneJob(run);
    }

    static long longestPollGapMs(String trace) {
        long last = -1;
        long gap = 0;
        for (String line : trace.lines().toList()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^pvrun-trace +(\\d+) ms +poll$").matcher(line);
            if (m.matches()) {
                long t = Long.parseLong(m.group(1));
                if (last >= 0) {
                    gap = Math.max(gap, t - last);
                }
                last = t;
            }
        }
        return gap;
    }

    @Test
    void statusQueriesFailingForSeveralPollsDoNotCountAsTheJobGone() throws Exception {
        // the same outage as slurmctld away, in the form squeue reports it when it gives up (exit 1, nothing on
        // stdout), for longer than the polls after which a job missing from the queue counts as ended
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path down = dir.resolve("controller-down");
        Files.writeString(bin.resolve("squeue"), "#!/bin/sh\nif [ -e " + down + " ]; then\n"
                + "  echo 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)' >&2\n  exit 1\nfi\n"
                + "exec /usr/bin/squeue \"$@\"\n");
        bin.resolve("squeue").toFile().setExecutable(true);
        Path spec = spec("faults-squeue", "import time\ntime.sleep(9)\nopen('done.txt', 'w').write('ok')\n",
                "outputs: [done.txt]\n");
        Path out = dir.resolve("runner.out");
        Process p = run(spec, "ci-local-slurm", targets(null), Map.of("PATH", bin + ":" + System.getenv("PATH")), "--verbose");
        waitUntil("the job to run", 120, () -> read(out).contains(" 1 running"));
        Files.createFile(down);
        waitUntil("four failed status queries", 30, () -> read(out).split("status query failed", -1).length > 4);
        Files.delete(down);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String said = read(out);
        assertEquals(0, p.exitValue(), said);
        assertDoneByOneJob(LocalPipelinesIT.onlyRun(dir.resolve("results/faults-squeue")));
    }

    @Test
    void submissionWhoseAnswerWasLostIsFoundByFetchNotSubmittedTwice() throws Exception {
        // sbatch submits, then its answer is lost (as when the connection drops while it runs): exit 255, no job id
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path ids = dir.resolve("submitted");
        Files.writeString(bin.resolve("sbatch"), "#!/bin/sh\n/usr/bin/sbatch \"$@\" >>" + ids + "\n"
                + "echo 'Connection to login closed by remote host.' >&2\nexit 255\n");
        bin.resolve("sbatch").toFile().setExecutable(true);
        Path spec = spec("faults-submit", "import time\ntime.sleep(3)\nopen('done.txt', 'w').write('ok')\n",
                "outputs: [done.txt]\n");
        Path targets = targets(null);
        Process p = run(spec, "ci-local-slurm", targets, Map.of("PATH", bin + ":" + System.getenv("PATH")));
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String said = read(dir.resolve("runner.out"));
        assertEquals(3, p.exitValue(), said);
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-submit"));
        String runId = run.getFileName().toString();
        assertTrue(said.contains("may or may not have been submitted; pvrun fetch " + runId), said);
        // a new process finds the job by its script instead of submitting it again
        Cli.Result f = Cli.run(env(), "fetch", runId);
        assertEquals(0, f.exitCode(), f.toString());
        String id = Files.readString(ids).strip();
        assertEquals(1, id.lines().count(), "submitted more than once: " + id);
        assertTrue(f.out().contains("round 1 is slurm job " + id), f.out());
        assertEquals("[\"" + id + "\"]", manifest(run).get("job_ids").toString());
        assertDoneByOneJob(run);
    }

    /** Whatever happened, slurmctld runs afterwards: other tests share it. */
    static void ensureSlurmctld(Path pidFile) throws IOException, InterruptedException {
        boolean alive = false;
        try {
            alive = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            // no pid file
        }
        if (!alive) {
            new ProcessBuilder(org.pvrun.testing.Repo.root().resolve("scripts/testcluster/start").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(120, TimeUnit.SECONDS);
        }
    }

    @TempDir
    static Path timeLimitDir;
    static Process timeLimitRun;

    /** Slurm takes a minute and more to end a job at its time limit: that run starts first and is checked last. */
    @BeforeAll
    static void startTheTimeLimitRun() throws IOException {
        TestCluster c = TestCluster.require();
        Files.writeString(timeLimitDir.resolve("faults-timeout.py"), "import time, pvrun\nn = pvrun.param('n')\n"
                + "if n == 0:\n    print('slow point starts', flush=True)\n    time.sleep(600)\n"
                + "open('out-%d.txt' % n, 'w').write('ok')\n");
        Path spec = timeLimitDir.resolve("faults-timeout.yaml");
        Files.writeString(spec, "name: faults-timeout\nscript: faults-timeout.py\nsweep:\n  n: [0, 1, 2]\n"
                + "tasks_per_job: 2\noutputs: [\"*.txt\"]\nresources: {time: \"00:01:00\"}\n");
        timeLimitRun = pvrun(timeLimitDir.resolve("runner.out"), Map.of("PVRUN_STATE", timeLimitDir.resolve("state").toString()),
                "run", spec.toString(), "-t", "ci-slurm", "--targets", c.targetsFile(timeLimitDir).toString(),
                "-o", timeLimitDir.resolve("results").toString());
    }

    @AfterAll
    static void stopTheTimeLimitRun() throws InterruptedException {
        if (timeLimitRun != null && timeLimitRun.isAlive()) {
            timeLimitRun.destroy(); // an earlier failure, or only some tests run: Ctrl-C cancels its job
            timeLimitRun.waitFor(60, TimeUnit.SECONDS);
        }
        Path runs = timeLimitDir.resolve("results/faults-timeout");
        listOrEmpty(runs).forEach(run -> org.apache.commons.io.FileUtils.deleteQuietly(
                Path.of(TestCluster.require().get("WORKDIR"), "faults-timeout", run.getFileName().toString()).toFile()));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void slurmTimeLimitIsReportedPerTaskWithTheEndOfItsLog() throws Exception {
        assertTrue(timeLimitRun.waitFor(240, TimeUnit.SECONDS), "the time-limit run has not ended after 4 minutes");
        String said = read(timeLimitDir.resolve("runner.out"));
        assertEquals(1, timeLimitRun.exitValue(), said);
        Path run = LocalPipelinesIT.onlyRun(timeLimitDir.resolve("results/faults-timeout"));
        JsonNode tasks = manifest(run).get("tasks");
        assertEquals("failed", tasks.get(0).get("status").asText());
        assertTrue(tasks.get(0).get("reason").asText().contains("hit its time limit"), tasks.get(0).toString());
        assertEquals("failed", tasks.get(1).get("status").asText());
        assertTrue(tasks.get(1).get("reason").asText().startsWith("not run: "), tasks.get(1).toString());
        assertEquals(0, tasks.get(1).get("outputs").size());
        assertEquals("succeeded", tasks.get(2).get("status").asText(), tasks.get(2).toString());
        // the end of the log: what the script printed, then ParaView's report of the signal Slurm sent
        assertTrue(said.contains("task 0000 failed: job ") && said.contains("slow point starts")
                && said.contains("Signal: SIGTERM"), said);
        assertComplete(run);
    }

    @Test
    void killedPvbatchIsReportedAndRetriedWhileTheOtherJobIsUnaffected() throws Exception {
        Path targets = targets(null);
        String name = "faults-kill";
        Path spec = spec(name, "import os, time, pvrun\nn = pvrun.param('n')\n"
                + "marker = os.path.join(os.environ['PVRUN_RUN_DIR'], 'killed-once')\n"
                + "if n == 0 and not os.path.exists(marker):\n"
                + "    open(marker, 'w').close()\n    print('working', flush=True)\n    time.sleep(120)\n"
                + "open('out-%d.txt' % n, 'w').write('ok')\n",
                "sweep:\n  n: [0, 1, 2]\ntasks_per_job: 2\noutputs: [\"*.txt\"]\nretries: 1\n");
        Path out = dir.resolve("runner.out");
        Process p = run(spec, "ci-slurm", targets, Map.of());
        Path results = dir.resolve("results/" + name);
        waitUntil("the run directory", 60, () -> Files.isDirectory(results) && Files.list(results).findAny().isPresent());
        String remote = cluster.get("WORKDIR") + "/" + name + "/" + LocalPipelinesIT.onlyRun(results).getFileName();
        waitUntil("task 0 to start working", 120, () -> read(Path.of(remote, "logs/0000.log")).contains("working"));
        // simulate the out-of-memory killer: SIGKILL to the pvbatch running task 0 (array element 0)
        List<ProcessHandle> pvbatch = ProcessHandle.allProcesses()
                .filter(h -> proc(h, "cmdline").startsWith("/usr/bin/pvbatch\n") || proc(h, "cmdline").startsWith("pvbatch\n"))
                .filter(h -> proc(h, "cmdline").contains(remote + "/runtime/pvrun_driver.py"))
                .filter(h -> proc(h, "environ").contains("\nPVRUN_ARRAY_INDEX=0\n"))
                .toList();
        assertEquals(1, pvbatch.size(), "pvbatch processes of element 0: " + pvbatch);
        new ProcessBuilder("kill", "-KILL", Long.toString(pvbatch.get(0).pid())).start().waitFor();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        String said = read(out);
        assertEquals(0, p.exitValue(), said);
        JsonNode tasks = manifest(LocalPipelinesIT.onlyRun(results)).get("tasks");
        JsonNode first = tasks.get(0).get("attempts").get(0);
        assertTrue(first.get("reason").asText().contains("killed by SIGKILL"), tasks.get(0).toString());
        assertFalse(first.hasNonNull("exit_code"), first.toString());
        assertEquals(2, tasks.get(0).get("attempts").size(), tasks.get(0).toString());
        assertEquals(2, tasks.get(1).get("attempts").size(), "task 1 never ran in the killed job: " + tasks.get(1));
        assertEquals(1, tasks.get(2).get("attempts").size(), "the other job was disturbed: " + tasks.get(2));
        for (JsonNode t : tasks) {
            assertEquals("succeeded", t.get("status").asText(), t.toString());
            assertEquals(1, t.get("outputs").size(), t.toString());
        }
        assertTrue(said.contains("retrying 2 failed tasks"), said);
        assertComplete(LocalPipelinesIT.onlyRun(results));
    }

    /** A process's /proc/PID/cmdline or environ, one entry a line (and a line break before the first). */
    static String proc(ProcessHandle h, String file) {
        try {
            return (file.equals("environ") ? "\n" : "") + new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()),
                    file)), StandardCharsets.UTF_8).replace('\0', '\n');
        } catch (IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------------------------ scripts

    static final String BAD_SCRIPTS = "import os, signal, pvrun\nn = pvrun.param('n')\n"
            + "if n == 0:\n    print('about to crash', flush=True)\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
            + "if n == 2:\n    raise RuntimeError('point 2 is broken')\n"
            + "if n != 3:\n    open('out-%d.txt' % n, 'w').write('ok')\n";

    void crashingRaisingAndOutputlessScripts(String target) throws IOException {
        Path spec = spec("faults-scripts", BAD_SCRIPTS, "sweep:\n  n: [0, 1, 2, 3, 4]\ntasks_per_job: 2\n"
                + "outputs: [\"*.txt\"]\n");
        Cli.Result r = Cli.run(env(), "run", spec.toString(), "-t", target, "--targets", targets(null).toString(), "-o",
                dir.resolve("results").toString());
        assertEquals(1, r.exitCode(), r.toString());
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/faults-scripts"));
        JsonNode tasks = manifest(run).get("tasks");
        Map<Integer, String> reasons = new HashMap<>();
        for (JsonNode t : tasks) {
            reasons.put(t.get("index").asInt(), t.get("status").asText() + ": " + t.path("reason").asText());
        }
        assertTrue(reasons.get(0).startsWith("failed: job ") && reasons.get(0).contains("killed by SIGSEGV"), reasons.toString());
        assertTrue(reasons.get(1).startsWith("failed: not run: its job ended before the task started (job ")
                && reasons.get(1).contains("SIGSEGV"), reasons.toString());
        assertEquals("failed: script exited with status 1", reasons.get(2), reasons.toString());
        assertEquals("failed: wrote no outputs matching *.txt", reasons.get(3), reasons.toString());
        assertEquals("succeeded: ", reasons.get(4), reasons.toString());
        assertEquals(0, tasks.get(1).get("outputs").size());
        assertEquals(1, tasks.get(4).get("outputs").size());
        // the end of the crashed task's log: what the script printed, then ParaView's report of the signal
        assertTrue(r.err().contains("about to crash") && r.err().contains("Signal: SIGSEGV"), r.err());
        assertTrue(r.err().contains("RuntimeError: point 2 is broken"), r.err());
        assertComplete(run);
    }

    @Test
    void crashingRaisingAndOutputlessScriptsLocally() throws IOException {
        crashingRaisingAndOutputlessScripts("local");
    }

    @Test
    void crashingRaisingAndOutputlessScriptsOnSlurm() throws IOException {
        crashingRaisingAndOutputlessScripts("ci-slurm");
    }

    // ------------------------------------------------------------------------------------ disk

    @Test
    void fullDiskDuringFetchFailsCleanlyAndFetchCompletesOnceThereIsRoom() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", small.toString())
                .inheritIO().start().waitFor(), "cannot mount a tmpfs (root needed)");
        try {
            // 30 MiB fit in 40 MiB when pvrun checks (DiskFullIT stops a fetch that does not fit before it starts);
            // something else takes 15 MiB of it once the first file is on its way
            Path spec = spec("faults-disk", "import os\nfor i in range(3):\n"
                    + "    open('big-%d.bin' % i, 'wb').write(os.urandom(10 << 20))\n", "outputs: [\"*.bin\"]\n");
            Path results = small.resolve("results");
            Path filler = small.resolve("filler");
            Process p = start(dir.resolve("runner.out"), Map.of(), "run", spec.toString(), "-t", "ci-ssh", "--targets",
                    targets(null).toString(), "-o", results.toString());
            waitUntil("the fetch", 120, () -> anyFile(results, n -> n.startsWith(".big-")));
            Files.write(filler, new byte[15 << 20]);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String said = read(dir.resolve("runner.out"));
            Path run = LocalPipelinesIT.onlyRun(results.resolve("faults-disk"));
            String runId = run.getFileName().toString();
            assertEquals(3, p.exitValue(), said);
            assertTrue(said.contains("No space left on device"), said);
            assertTrue(said.contains("pvrun fetch " + runId), said);
            assertFalse(said.contains("Exception"), said);
            assertFalse(Files.exists(run.resolve("manifest.json")), "a manifest for an unfetched run");
            assertNoPartialFiles(run);
            try (Stream<Path> s = Files.walk(run.resolve("tasks"))) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    assertEquals(10 << 20, Files.size(f), "a partial file under its final name: " + f);
                }
            }
            Files.delete(filler);
            Cli.Result f = Cli.run(env(), "fetch", runId);
            assertEquals(0, f.exitCode(), f.toString());
            JsonNode m = manifest(run);
            assertEquals("succeeded", m.get("status").asText());
            assertEquals(3, m.get("tasks").get(0).get("outputs").size());
            assertEquals(1, m.get("tasks").get(0).get("attempts").size(), "attempts recorded twice: " + m);
            assertComplete(run);
            org.apache.commons.io.FileUtils.deleteQuietly(Path.of(m.get("remote_dir").asText()).toFile());
        } finally {
            new ProcessBuilder("umount", "-l", small.toString()).inheritIO().start().waitFor();
        }
    }

    // ------------------------------------------------------------------------------------ concurrency

    void twoRunnersAtOnce(String target) throws Exception {
        Path targets = targets(null);
        String name = "faults-twice";
        String script = "import pvrun\nopen('out-%d.txt' % pvrun.param('n'), 'w').write('ok %d' % pvrun.param('n'))\n";
        Path spec = spec(name, script, "sweep:\n  n: [0, 1]\noutputs: [\"*.txt\"]\n");
        String results = dir.resolve("results").toString();
        Cli.Result first = Cli.run(env(), "run", spec.toString(), "-t", target, "--targets", targets.toString(), "-o", results);
        assertEquals(0, first.exitCode(), first.toString());
        spec(name, script, "sweep:\n  n: [0, 1, 2, 3]\noutputs: [\"*.txt\"]\n");
        // one run of a pipeline into a results folder at a time (RunLock): the second waits for the first
        Process a = start(dir.resolve("a.out"), Map.of(), "run", spec.toString(), "-t", target, "--targets",
                targets.toString(), "-o", results, "--resume", "--wait-lock");
        Process b = start(dir.resolve("b.out"), Map.of(), "run", spec.toString(), "-t", target, "--targets",
                targets.toString(), "-o", results, "--resume", "--wait-lock");
        assertTrue(a.waitFor(180, TimeUnit.SECONDS) && b.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue(), read(dir.resolve("a.out")));
        assertEquals(0, b.exitValue(), read(dir.resolve("b.out")));
        assertTrue((read(dir.resolve("a.out")) + read(dir.resolve("b.out"))).contains("waiting for it to end (--wait-lock)"),
                "one of the two waited for the other");
        List<Path> runs;
        try (Stream<Path> s = Files.list(dir.resolve("results").resolve(name))) {
            runs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(3, runs.size(), runs.toString());
        int ranTheNewPoints = 0;
        for (Path run : runs) {
            JsonNode m = manifest(run);
            assertEquals("succeeded", m.get("status").asText(), run.toString());
            assertEquals(run.getFileName().toString(), m.get("run_id").asText());
            assertComplete(run);
            if (m.get("tasks").size() == 4) {
                for (JsonNode t : m.get("tasks")) {
                    int n = t.get("index").asInt();
                    assertEquals("ok " + n, Files.readString(run.resolve(t.get("outputs").get(0).get("path").asText())));
                    if (n < 2) {
                        // from the first run, or from the 4-point run the waiting one waited for (the newest wins)
                        String from = t.get("reused_from").asText();
                        assertTrue(runs.stream().anyMatch(o -> !o.equals(run) && from.startsWith(o.getFileName() + "/")),
                                t.toString());
                    } else if (t.get("reused_from") == null || t.get("reused_from").isNull()) {
                        ranTheNewPoints++;
                    }
                }
            }
        }
        // the run that went first ran points 2 and 3; the one that waited for it reused them
        assertEquals(2, ranTheNewPoints, "points 2 and 3 were rendered once, by one of the two runs");
        // the state directory: one readable entry per run, caches that parse, no temporary files left
        Path state = dir.resolve("state");
        try (Stream<Path> s = Files.walk(state)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                assertFalse(f.getFileName().toString().endsWith(".tmp"), "temporary file left: " + f);
                ManifestIO.JSON.readTree(f.toFile()); // throws on a damaged file
            }
        }
        try (Stream<Path> s = Files.list(state.resolve("runs"))) {
            assertEquals(3, s.count());
        }
    }

    @Test
    void twoRunnersOfOnePipelineAtOnceLocally() throws Exception {
        twoRunnersAtOnce("local");
    }

    @Test
    void twoRunnersOfOnePipelineAtOnceOnSlurm() throws Exception {
        twoRunnersAtOnce("ci-slurm");
    }
}
