package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;
import org.pvrun.util.Sizes;

/**
 * Disks that fill (docs/reliability.md#disks-that-fill), on real small tmpfs mounts, through this machine's
 * transport ({@code small-local}: a local target with its workdir on the tmpfs) and SSH ({@code small-ssh}: the
 * login node's pvci, its workdir on a tmpfs pvci owns): staging that does not fit, inodes running out half-way
 * through staging, a task whose outputs do not fit, and a fetch that does not fit the results folder. Root is
 * needed for the mounts.
 */
@Tag("integration")
class DiskFullIT {
    @TempDir
    Path dir;
    TestCluster cluster;
    final List<Path> mounts = new ArrayList<>();
    /** Run directories this test left in the cluster's normal workdir. */
    final List<Path> remoteRuns = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cluster = TestCluster.require();
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException {
        for (Path m : mounts) {
            new ProcessBuilder("umount", "-l", m.toString()).inheritIO().start().waitFor();
            FileUtils.deleteQuietly(m.toFile());
        }
        remoteRuns.forEach(r -> FileUtils.deleteQuietly(r.toFile()));
    }

    /**
     * A tmpfs with these mount options: for {@code small-ssh} under the SSH user's home and owned by that user
     * (mode 0700, as pvrun wants its workdir), else in this test's folder.
     */
    Path tmpfs(String target, String options) throws IOException, InterruptedException {
        Path m;
        String owner = "";
        if (target.equals("small-ssh")) {
            String user = cluster.get("SSH_USER");
            m = Files.createDirectory(Path.of("/home", user, "pvrun-diskfull-" + Long.toHexString(System.nanoTime())));
            owner = ",uid=" + id("-u", user) + ",gid=" + id("-g", user) + ",mode=0700";
        } else {
            m = Files.createDirectories(dir.resolve("small-" + mounts.size()));
        }
        mounts.add(m);
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", options + owner, "tmpfs", m.toString())
                .inheritIO().start().waitFor(), "cannot mount a tmpfs (root needed)");
        return m;
    }

    static String id(String flag, String user) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", flag, user).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor());
        return out;
    }

    /** The cluster's targets plus {@code small-local} and {@code small-ssh} (no scheduler), both working in {@code workdir}. */
    Path targets(Path workdir) throws IOException {
        Path file = cluster.targetsFile(dir, cluster.get("KNOWN_HOSTS"));
        String common = "    workdir: " + workdir + "\n    display: xvfb\n    poll: 1s\n    scheduler: none\n";
        Files.writeString(file, Files.readString(file)
                + "  small-local:\n" + common
                + "  small-ssh:\n    host: " + cluster.get("LOGIN_HOST") + "\n    port: " + cluster.get("LOGIN_PORT")
                + "\n    user: " + cluster.get("SSH_USER") + "\n    identity: " + cluster.get("KEY")
                + "\n    known_hosts: " + cluster.get("KNOWN_HOSTS") + "\n" + common);
        return file;
    }

    Path spec(String name, String script, String more) throws IOException {
        Files.writeString(dir.resolve(name + ".py"), script);
        Path spec = dir.resolve(name + ".yaml");
        Files.writeString(spec, "name: " + name + "\nscript: " + name + ".py\n" + more);
        return spec;
    }

    Map<String, String> env() {
        return Map.of("PVRUN_STATE", dir.resolve("state").toString());
    }

    Cli.Result run(Path spec, String target, Path targets, Path results) {
        return Cli.run(env(), "run", spec.toString(), "-t", target, "--targets", targets.toString(), "-o",
                results.toString());
    }

    static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).toList();
        }
    }

    /** A run that never got to its jobs: recorded, not complete, said to be not submitted, not fetchable. */
    void assertRecordedAsNotSubmitted(Path run) {
        String runId = run.getFileName().toString();
        assertTrue(Files.exists(run.resolve(RunRecord.FILE)), "the run is recorded");
        assertFalse(Files.exists(run.resolve("manifest.json")), "a manifest for a run that never ran");
        Cli.Result status = Cli.run(env(), "status", runId);
        assertTrue(status.out().contains("not submitted (its staging did not finish"), status.toString());
        Cli.Result fetch = Cli.run(env(), "fetch", runId);
        assertEquals(3, fetch.exitCode(), fetch.toString());
        assertTrue(fetch.err().contains("was never submitted"), fetch.toString());
        assertFalse(Files.exists(run.resolve("manifest.json")), "pvrun fetch recorded a manifest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-local", "small-ssh"})
    void stagingThatDoesNotFitFailsBeforeAnythingIsSent(String target) throws Exception {
        Path work = tmpfs(target, "size=1m");
        // a script of 1.5 MiB (a comment) and an input of 3 MiB: locally the input is linked, not copied
        Path spec = spec("disk-stage", "import pvrun\n#" + "x".repeat(3 << 19) + "\nopen('ok.txt', 'w').write('ok')\n",
                "inputs: [big.raw]\noutputs: [ok.txt]\n");
        Files.write(dir.resolve("big.raw"), FaultsIT.randomBytes(3 << 20));
        String free = Sizes.human(Files.getFileStore(work).getUsableSpace());
        Cli.Result r = run(spec, target, targets(work), dir.resolve("results"));
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot stage on target " + target + ": the run's "), r.err());
        assertTrue(r.err().contains(" and " + work + " has " + free + " free; nothing was sent"), r.err());
        assertTrue(r.err().contains("was not submitted; nothing runs. Run the pipeline again."), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals(List.of(), filesUnder(work), "written to the target's work directory");
        assertRecordedAsNotSubmitted(LocalPipelinesIT.onlyRun(dir.resolve("results/disk-stage")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-local", "small-ssh"})
    void inodesRunningOutWhileStagingRemoveTheHalfStagedRun(String target) throws Exception {
        // room for bytes, but no more than 24 files and folders: the byte count passes, the task folders run out
        Path work = tmpfs(target, "size=50m,nr_inodes=24");
        String points = IntStream.range(0, 40).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        Path spec = spec("disk-inodes", "open('ok.txt', 'w').write('ok')\n", "sweep:\n  n: [" + points + "]\n");
        Cli.Result r = run(spec, target, targets(work), dir.resolve("results"));
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/disk-inodes"));
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot stage on target " + target + ": No space left on device in " + work + " ("),
                r.err());
        assertTrue(r.err().contains(" free now); the half-staged run directory " + work + "/disk-inodes/"
                + run.getFileName() + " was removed, nothing was submitted"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertTrue(r.err().lines().count() <= 16, "the evidence is cut to its first lines: " + r.err());
        assertFalse(Files.exists(work.resolve("disk-inodes").resolve(run.getFileName().toString())),
                "the half-staged run directory is still there");
        assertRecordedAsNotSubmitted(run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-local", "small-ssh"})
    void aTaskWhoseOutputsDoNotFitFailsWithTheReasonAndTheOthersGoOn(String target) throws Exception {
        Path work = tmpfs(target, "size=16m");
        // one pvbatch for the three tasks: the one in the middle writes 64 MiB, the others 1 MiB each
        Path spec = spec("disk-outputs", "import pvrun\nn = pvrun.param('n')\n"
                + "with open('out-%d.bin' % n, 'wb') as f:\n"
                + "    for _ in range(64 if n == 1 else 1):\n        f.write(bytes([n]) * (1 << 20))\n",
                "sweep:\n  n: [0, 1, 2]\ntasks_per_job: 3\noutputs: [\"*.bin\"]\n");
        Cli.Result r = run(spec, target, targets(work), dir.resolve("results"));
        assertEquals(1, r.exitCode(), r.toString());
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/disk-outputs"));
        JsonNode tasks = FaultsIT.manifest(run).get("tasks");
        JsonNode failed = tasks.get(1);
        assertEquals("failed", failed.get("status").asText(), failed.toString());
        assertEquals("script exited with status 1: No space left on device", failed.get("reason").asText());
        assertEquals(0, failed.get("outputs").size(), "a partial output was kept: " + failed);
        assertEquals(List.of(), filesUnder(run.resolve("tasks/0001")));
        assertTrue(Files.readString(run.resolve("logs/0001.log")).contains("pvrun: the disk is full: removed the 1 files"
                + " of this task"), Files.readString(run.resolve("logs/0001.log")));
        assertTrue(r.err().contains("pvrun: task 0001 failed: OSError: [Errno 28] No space left on device (script exited"
                + " with status 1: No space left on device)"), r.err());
        for (int n : new int[] {0, 2}) {
            JsonNode t = tasks.get(n);
            assertEquals("succeeded", t.get("status").asText(), t.toString());
            assertEquals(1, t.get("outputs").size(), t.toString());
            assertEquals(1 << 20, t.get("outputs").get(0).get("bytes").asLong(), t.toString());
        }
        FaultsIT.assertComplete(run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-local", "ci-ssh"})
    void aFetchThatDoesNotFitStopsBeforeTheFirstByteAndCompletesOnceThereIsRoom(String target) throws Exception {
        Path results = tmpfs("small-local", "size=20m").resolve("results");
        Path spec = spec("disk-fetch", "import os\nfor i in range(3):\n"
                + "    open('big-%d.bin' % i, 'wb').write(os.urandom(10 << 20))\n", "outputs: [\"*.bin\"]\n");
        // small-local works in a folder of the test (the normal disk), ci-ssh in the cluster's workdir
        Cli.Result r = run(spec, target, targets(Files.createDirectories(dir.resolve("work"))), results);
        Path run = LocalPipelinesIT.onlyRun(results.resolve("disk-fetch"));
        String runId = run.getFileName().toString();
        if (target.equals("ci-ssh")) {
            remoteRuns.add(Path.of(cluster.get("WORKDIR"), "disk-fetch", runId));
        }
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot fetch into " + run + ": its "), r.err());
        assertTrue(r.err().matches("(?s).* files need 30\\.0 MB and the results folder has \\d+\\.\\d MB free; nothing was"
                + " fetched.*"), r.err());
        assertTrue(r.err().contains("collect it with: pvrun fetch " + runId), r.err());
        // stopped by the count, not by the disk
        assertFalse(r.err().contains("No space left on device"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(run.resolve("manifest.json")), "a manifest for an unfetched run");
        assertEquals(List.of(), filesUnder(run.resolve("tasks")).stream().filter(Files::isRegularFile).toList());
        FaultsIT.assertNoPartialFiles(run);
        assertEquals(0, new ProcessBuilder("mount", "-o", "remount,size=200m", results.getParent().toString())
                .inheritIO().start().waitFor());
        Cli.Result f = Cli.run(env(), "fetch", runId);
        assertEquals(0, f.exitCode(), f.toString());
        JsonNode m = FaultsIT.manifest(run);
        assertEquals("succeeded", m.get("status").asText());
        assertEquals(3, m.get("tasks").get(0).get("outputs").size());
        assertEquals(1, m.get("tasks").get(0).get("attempts").size(), "attempts recorded twice: " + m);
        FaultsIT.assertComplete(run);
    }
}
