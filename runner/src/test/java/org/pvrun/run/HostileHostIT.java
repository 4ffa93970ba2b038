package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;

/**
 * Hosts that lie (docs/reliability.md#hosts-that-lie): the target's own tools replaced, first on the remote PATH of
 * the test user (TestCluster.remotePath), by wrappers that send hostile tar streams, wrong hashes, a 1 TB listing, an
 * sbatch without a job id (each lying only to this test's run, so other tests on the cluster at the same time are
 * told the truth); a garbled or hanging squeue (first on this pvrun's own PATH); a home shared with a second user. Each lie is refused
 * with its reason, nothing is written outside the run's results folder, nothing half-written keeps a final name,
 * and {@code pvrun status} says what happened; once the tools tell the truth again, {@code pvrun fetch} completes the run.
 */
@Tag("integration")
class HostileHostIT {
    /** A second user for the shared home; created and removed by the tests that need it. */
    static final String OTHER_USER = "pvci-other";

    @TempDir
    Path dir;
    TestCluster cluster;
    Path targets;
    Path results;
    Path evil;
    final List<Path> remoteLeftovers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        cluster = TestCluster.require();
        targets = cluster.targetsFile(dir);
        results = dir.resolve("results");
        // files the wrappers serve must be readable by the test user: not in this test's private folder
        evil = Files.createTempDirectory("pvrun-hostile");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        FileUtils.deleteQuietly(evil.toFile());
        if (Files.isDirectory(results)) {
            try (Stream<Path> runs = Files.list(results).flatMap(FaultsIT::listOrEmpty)) {
                for (Path run : runs.toList()) {
                    FileUtils.deleteQuietly(Path.of(cluster.get("WORKDIR"), run.getParent().getFileName().toString(),
                            run.getFileName().toString()).toFile());
                }
            }
        }
        for (Path p : remoteLeftovers) {
            FileUtils.deleteQuietly(p.toFile());
        }
    }

    Map<String, String> env() {
        return Map.of("PVRUN_STATE", dir.resolve("state").toString());
    }

    /** A one-task pipeline whose task writes out.png (after {@code sleep} seconds). */
    Path spec(String name, int sleep) throws IOException {
        Files.writeString(dir.resolve(name + ".py"), "import time\ntime.sleep(" + sleep + ")\n"
                + "open('out.png', 'wb').write(b'a real output of " + name + "')\n");
        return Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\nscript: " + name + ".py\n"
                + "outputs: ['*.png']\n");
    }

    Cli.Result run(Path spec, String target, Map<String, String> moreEnv) {
        Map<String, String> e = new HashMap<>(env());
        e.putAll(moreEnv);
        return Cli.run(e, "run", spec.toString(), "-t", target, "--targets", targets.toString(), "-o", results.toString());
    }

    List<Path> besideTheResults() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.equals(results) && !p.equals(dir.resolve("state"))).sorted().toList();
        }
    }

    /**
     * The run was refused at its fetch: exit 3 naming the lie and how to go on; no manifest, no output under its final
     * name, no temporary file; {@code pvrun status} says the fetch was refused and why; nothing new beside the
     * results folder. Returns the run's directory.
     */
    Path assertFetchRefused(Cli.Result r, String pipeline, String why, List<Path> before) throws IOException {
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains(why), "not the expected reason (" + why + "):\n" + r);
        Path run = LocalPipelinesIT.onlyRun(results.resolve(pipeline));
        String id = run.getFileName().toString();
        assertTrue(r.err().contains("pvrun fetch " + id), r.toString());
        assertFalse(r.err().contains("\tat org."), "a stack trace:\n" + r);
        assertFalse(Files.exists(run.resolve("manifest.json")));
        assertFalse(Files.exists(run.resolve("tasks/0000/out.png")), "a refused fetch left an output under its name");
        FaultsIT.assertNoPartialFiles(run);
        assertEquals(before, besideTheResults(), "written outside the results folder");
        Cli.Result st = Cli.run(env(), "status", id);
        assertEquals(0, st.exitCode(), st.toString());
        assertTrue(st.out().contains("finished, its fetch refused: ") && st.out().contains(why)
                && st.out().contains("(pvrun fetch " + id + " tries again)"), st.toString());
        return run;
    }

    /** With honest tools again, {@code pvrun fetch} completes the run: one attempt, its output verified. */
    void assertFetchCompletes(Path run, String pipeline) throws IOException {
        Cli.Result f = Cli.run(env(), "fetch", run.getFileName().toString());
        assertEquals(0, f.exitCode(), f.toString());
        JsonNode m = FaultsIT.manifest(run);
        assertEquals("succeeded", m.get("status").asText(), m.toString());
        assertEquals(1, m.get("tasks").get(0).get("attempts").size(), m.toString());
        assertEquals("a real output of " + pipeline, Files.readString(run.resolve("tasks/0000/out.png")));
        FaultsIT.assertComplete(run);
        assertFalse(Files.exists(run.resolve(Collect.FETCH_FAILED)));
        Cli.Result st = Cli.run(env(), "status", run.getFileName().toString());
        assertTrue(st.out().contains(": succeeded"), st.toString());
    }

    // ---------------------------------------------------------------- tar streams

    /** A tar whose first entry is the real output's name with other content, then the hostile entry of {@code kind}. */
    byte[] hostileTar(String kind, Path outside) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] decoy = "not what the task wrote".getBytes(StandardCharsets.UTF_8);
            if (!kind.equals("symlink") && !kind.equals("hardlink") && !kind.equals("device")) {
                file(tar, "tasks/0000/out.png", decoy);
            }
            switch (kind) {
                // from .fetch/tasks/0000, six levels up is this test's folder
                case "dotdot" -> file(tar, "tasks/0000/../../../../../../escape-dotdot.txt", decoy);
                case "absolute" -> file(tar, outside.toString(), decoy);
                case "unrequested" -> file(tar, "pipeline/hostile.py", decoy);
                case "symlink", "hardlink" -> {
                    TarArchiveEntry e = new TarArchiveEntry("tasks/0000/out.png",
                            kind.equals("symlink") ? TarConstants.LF_SYMLINK : TarConstants.LF_LINK);
                    e.setLinkName("/etc/passwd");
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
                case "device" -> {
                    TarArchiveEntry e = new TarArchiveEntry("tasks/0000/out.png", TarConstants.LF_CHR);
                    e.setDevMajor(1);
                    e.setDevMinor(3);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
                case "short", "long" -> file(tar, "logs/0000.log", "x".repeat(2000).getBytes(StandardCharsets.US_ASCII));
                default -> throw new IllegalArgumentException(kind);
            }
        }
        byte[] b = bytes.toByteArray();
        int header = indexOfHeader(b, "logs/0000.log");
        if (kind.equals("short")) {
            // the header promises 2000 bytes, the stream ends after 100 of them
            return java.util.Arrays.copyOf(b, header + 512 + 100);
        }
        if (kind.equals("long")) {
            // the header says 10 bytes: the rest of the data is read as the next header
            setSize(b, header, 10);
        }
        return b;
    }

    static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // the name as given, '..' and '/' kept
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static int indexOfHeader(byte[] tar, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            if (java.util.Arrays.equals(tar, off, off + n.length, n, 0, n.length) && tar[off + n.length] == 0) {
                return off;
            }
        }
        return -1;
    }

    /** Rewrites a ustar header's size field and its checksum. */
    static void setSize(byte[] tar, int header, long size) {
        byte[] field = String.format("%011o\0", size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, header + 124, 12);
        java.util.Arrays.fill(tar, header + 148, header + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, tar, header + 148, 8);
    }

    /**
     * The target's {@code tar -cf -} answers the fetch with a hostile stream: a name with '..', an absolute name, an
     * entry that was not asked for, a symbolic link, a hard link, a device, a header longer or shorter than its data.
     * Each is refused with the entry named; the decoy written before it does not keep the output's name.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dotdot", "absolute", "unrequested", "symlink", "hardlink", "device", "short", "long"})
    void hostileTarStreamIsRefusedAndTheRunFetchedLater(String kind) throws Exception {
        String name = "lying-tar-" + kind;
        Path spec = spec(name, 0);
        Path outside = Path.of("/tmp", "pvrun-hostile-absolute-" + UUID.randomUUID() + ".txt");
        Path stream = Files.write(evil.resolve("stream.tar"), hostileTar(kind, outside));
        Files.setPosixFilePermissions(stream, PosixFilePermissions.fromString("rw-r--r--"));
        // the fetch asks for tar -cf - -C DIR -- PATHS: only this run's is answered with the stream; staging's tar -xf -
        // and every other user of the test account's tar (other tests at the same time) get the real one
        String tar = "#!/bin/sh\nif [ \"$1\" = -cf ]; then case \"$4\" in */" + name + "/*) cat " + stream + "; exit 0 ;; esac; fi\n"
                + "exec /usr/bin/tar \"$@\"\n";
        String why = switch (kind) {
            case "dotdot" -> "refusing path tasks/0000/../../../../../../escape-dotdot.txt: it contains '..'";
            case "absolute" -> "refusing absolute path " + outside;
            case "unrequested" -> "refusing tar entry pipeline/hostile.py: not one of the requested paths";
            case "symlink" -> "refusing tar entry tasks/0000/out.png: it is a symbolic link";
            case "hardlink" -> "refusing tar entry tasks/0000/out.png: it is a hard link";
            case "device" -> "refusing tar entry tasks/0000/out.png: it is a device file";
            case "short" -> "runcated";
            case "long" -> "corrupt tar stream: "; // Commons Compress stumbles on the data read as a header
            default -> throw new IllegalArgumentException(kind);
        };
        List<Path> before = besideTheResults();
        Cli.Result r;
        try (AutoCloseable lying = cluster.remotePath(Map.of("tar", tar))) {
            r = run(spec, "ci-ssh", Map.of());
        }
        Path run = assertFetchRefused(r, name, why, before);
        assertFalse(Files.exists(outside), outside + " was written");
        assertFetchCompletes(run, name);
    }

    // ---------------------------------------------------------------- listings

    /** The target's hashes (openssl, or sha256sum where it has none) do not match what arrives. */
    @Test
    void hashListingThatDoesNotMatchIsRefusedAndTheRunFetchedLater() throws Exception {
        Path spec = spec("lying-hashes", 0);
        // the first hex digit of every hash changed: a well-formed listing that lies
        // only in this run's directory (the hashing runs there), so other users of the test account are told the truth
        String here = "case \"$(pwd)\" in */lying-hashes/*) ;; *) exec /usr/bin/%s \"$@\" ;; esac\n";
        String flip = "sed %s 's/^0/g/; s/^[1-9a-f]/0/; s/^g/1/'";
        Map<String, String> tools = Map.of(
                "openssl", "#!/bin/sh\n" + here.formatted("openssl") + "/usr/bin/openssl \"$@\" | " + flip.formatted("") + "\n",
                "sha256sum", "#!/bin/sh\n" + here.formatted("sha256sum") + "/usr/bin/sha256sum \"$@\" | " + flip.formatted("-z") + "\n");
        List<Path> before = besideTheResults();
        Cli.Result r;
        try (AutoCloseable lying = cluster.remotePath(tools)) {
            r = run(spec, "ci-ssh", Map.of());
        }
        Path run = assertFetchRefused(r, "lying-hashes", "arrived corrupted from ", before);
        assertTrue(r.err().contains("the target listed); nothing of it was kept"), r.toString());
        assertFetchCompletes(run, "lying-hashes");
    }

    /** A listing that claims a 1 TB output: the fetch stops before the first byte, for want of room. */
    @Test
    void listingThatClaimsATerabyteStopsBeforeTheFirstByte() throws Exception {
        Path spec = spec("lying-listing", 0);
        String find = "#!/bin/sh\ncase \"$(pwd)\" in */lying-listing/*) ;; *) exec /usr/bin/find \"$@\" ;; esac\n"
                + "/usr/bin/find \"$@\"; s=$?\n"
                + "case \"$*\" in *'file %s'*) printf 'file 1099511627776  tasks/0000/huge.png\\0' ;; esac\nexit $s\n";
        List<Path> before = besideTheResults();
        Cli.Result r;
        try (AutoCloseable lying = cluster.remotePath(Map.of("find", find))) {
            r = run(spec, "ci-ssh", Map.of());
        }
        Path run = assertFetchRefused(r, "lying-listing", "files need 1.0 TB and the results folder has ", before);
        assertTrue(r.err().contains("; nothing was fetched"), r.toString());
        assertFetchCompletes(run, "lying-listing");
    }

    // ---------------------------------------------------------------- the scheduler's tools

    /**
     * squeue prints garbage, or hangs: neither is taken as the queue's answer (the job is not judged gone after
     * three polls, a hung query is stopped after PVRUN_QUERY_TIMEOUT); the user is told once, and the job's own
     * files end the run, complete. Real Slurm behind the wrapper, through this machine's sbatch ({@code
     * ci-local-slurm}), the wrapper first on the PATH of this pvrun process alone: a squeue that lies on the test
     * account would lie to every other test using the cluster at the time.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "hang"})
    void squeueThatLiesOrHangsIsNoAnswerAndTheRunCompletes(String kind) throws Exception {
        String name = "lying-squeue-" + kind;
        Path spec = spec(name, 6); // longer than three polls of 1 s
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("squeue"), kind.equals("garbage")
                ? "#!/bin/sh\necho 'garbage ### not a queue'\necho '<html>502 Bad Gateway</html>'\nexit 0\n"
                : "#!/bin/sh\nexec sleep 20\n");
        bin.resolve("squeue").toFile().setExecutable(true);
        String why = kind.equals("garbage") ? "printed nothing pvrun can read as a queue"
                : "did not answer within 2s (PVRUN_QUERY_TIMEOUT) and was stopped";
        Map<String, String> e = new HashMap<>(env());
        e.put("PATH", bin + ":" + System.getenv("PATH"));
        e.put("PVRUN_QUERY_TIMEOUT", "2s");
        Path out = dir.resolve("runner.out");
        long t0 = System.nanoTime();
        Process p = FaultsIT.pvrun(out, e, "run", spec.toString(), "-t", "ci-local-slurm", "--targets", targets.toString(),
                "-o", results.toString());
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "held by squeue:\n" + FaultsIT.read(out));
        String said = FaultsIT.read(out);
        assertEquals(0, p.exitValue(), said);
        assertTrue(said.contains("pvrun: the status query on ci-local-slurm " + why + "; not taken as an answer"), said);
        assertEquals(1, said.split("the status query on ci-local-slurm", -1).length - 1, "told more than once:\n" + said);
        assertTrue(System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(90), "held by squeue:\n" + said);
        Path run = LocalPipelinesIT.onlyRun(results.resolve(name));
        JsonNode m = FaultsIT.manifest(run);
        assertEquals("succeeded", m.get("status").asText(), m.toString());
        assertEquals(1, m.get("job_ids").size(), m.toString());
        assertEquals(1, m.get("tasks").get(0).get("attempts").size(), m.toString());
        FaultsIT.assertComplete(run);
    }

    /**
     * sbatch exits 0 but prints no job id (and submitted nothing): exit 3, the run recorded as submitted without a
     * job id, which {@code pvrun status} says; {@code pvrun fetch}, with the real sbatch, finds no job of that
     * script in the queue and submits it once.
     */
    @Test
    void sbatchWithoutAJobIdIsRefusedAndFetchSubmitsTheRunOnce() throws Exception {
        Path spec = spec("lying-sbatch", 0);
        Cli.Result r;
        // this run's job script only: other tests' submissions at the same time go to the real sbatch
        String sbatch = "#!/bin/sh\ncase \"$*\" in */lying-sbatch/*) echo 'Job accepted.'; exit 0 ;; esac\n"
                + "exec /usr/bin/sbatch \"$@\"\n";
        try (AutoCloseable lying = cluster.remotePath(Map.of("sbatch", sbatch))) {
            r = run(spec, "ci-slurm", Map.of());
        }
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot read the job id: no job id in the output of sbatch"), r.toString());
        assertTrue(r.err().contains("Job accepted."), r.toString());
        Path run = LocalPipelinesIT.onlyRun(results.resolve("lying-sbatch"));
        String id = run.getFileName().toString();
        assertTrue(r.err().contains("may or may not have been submitted; pvrun fetch " + id), r.toString());
        Cli.Result st = Cli.run(env(), "status", id);
        assertEquals(0, st.exitCode(), st.toString());
        assertTrue(st.out().contains("submitted without a job id"), st.toString());
        Cli.Result f = Cli.run(env(), "fetch", id);
        assertEquals(0, f.exitCode(), f.toString());
        JsonNode m = FaultsIT.manifest(run);
        assertEquals("succeeded", m.get("status").asText(), m.toString());
        assertEquals(1, m.get("job_ids").size(), m.toString());
        assertTrue(f.out().contains("round 1 is slurm job " + m.get("job_ids").get(0).asText()), f.toString());
        FaultsIT.assertComplete(run);
    }

    // ---------------------------------------------------------------- a home shared with another user

    static int sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    /** A second user in the test user's group (so group-readable folders of the shared home are open to it). */
    String otherUser() throws IOException, InterruptedException {
        sh("userdel", OTHER_USER); // left by an interrupted run
        assertEquals(0, sh("useradd", "-M", "-N", "-g", cluster.get("SSH_USER"), "-d", cluster.get("TEST_HOME"),
                "-s", "/bin/sh", OTHER_USER), "useradd (root needed)");
        return OTHER_USER;
    }

    /** A workdir of its own in the test user's home: owner, mode. */
    Path workdir(String owner, String mode) throws IOException, InterruptedException {
        Path w = Path.of(cluster.get("TEST_HOME"), "pvrun-shared-" + UUID.randomUUID());
        remoteLeftovers.add(w);
        Files.createDirectory(w);
        assertEquals(0, sh("chown", owner + ":" + cluster.get("SSH_USER"), w.toString()));
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString(mode));
        return w;
    }

    Path targetWithWorkdir(Path workdir) throws IOException {
        Files.writeString(targets, Files.readString(targets) + "  ci-shared:\n    host: " + cluster.get("LOGIN_HOST")
                + "\n    port: " + cluster.get("LOGIN_PORT") + "\n    user: " + cluster.get("SSH_USER") + "\n    identity: "
                + cluster.get("KEY") + "\n    known_hosts: " + cluster.get("KNOWN_HOSTS") + "\n    workdir: " + workdir
                + "\n    display: xvfb\n    poll: 1s\n    scheduler: none\n");
        return targets;
    }

    static int as(String user, String shell) throws IOException, InterruptedException {
        return sh("runuser", "-u", user, "--", "sh", "-c", shell);
    }

    /**
     * In a workdir its group may read (a home shared by two users), the other user sees that a run exists but cannot
     * list, read or write into it: run directories are 0700.
     */
    @Test
    void anotherUserOfASharedHomeCannotReadOrWriteTheRunDirectories() throws Exception {
        String other = otherUser();
        try {
            Path workdir = workdir(cluster.get("SSH_USER"), "rwxr-x---");
            targetWithWorkdir(workdir);
            Cli.Result r = run(spec("shared-home", 0), "ci-shared", Map.of());
            assertEquals(0, r.exitCode(), r.toString());
            Path run = LocalPipelinesIT.onlyRun(results.resolve("shared-home"));
            Path remote = workdir.resolve("shared-home").resolve(run.getFileName().toString());
            assertTrue(Files.isRegularFile(remote.resolve("tasks/0000/out.png")));
            assertEquals("rwx------", SecurityIT.mode(remote));
            // the test can fail: the other user reaches the folder that holds the runs
            assertEquals(0, as(other, "ls " + workdir.resolve("shared-home")), "the other user cannot reach the pipeline folder");
            for (String attempt : List.of("ls " + remote, "cat " + remote.resolve("tasks/0000/out.png"),
                    "cat " + remote.resolve("logs/0000.log"), "touch " + remote.resolve("planted"),
                    "mkdir " + remote.resolve("tasks/0000/planted"), "rm -rf " + remote.resolve("tasks"))) {
                assertNotEquals(0, as(other, attempt), other + " could: " + attempt);
            }
            assertTrue(Files.isRegularFile(remote.resolve("tasks/0000/out.png")));
            assertFalse(Files.exists(remote.resolve("planted")));
        } finally {
            sh("userdel", other);
        }
    }

    /**
     * A workdir another user owns, or that others may write to (itself or the pipeline's folder in it), is refused
     * before anything is written there.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"other-owner", "group-writable", "world-writable", "pipeline-group-writable"})
    void workdirNotOwnedOrWritableByOthersIsRefused(String kind) throws Exception {
        String other = otherUser();
        try {
            String me = cluster.get("SSH_USER");
            Path workdir = switch (kind) {
                case "other-owner" -> workdir(other, "rwxrwxrwx");
                case "group-writable" -> workdir(me, "rwxrwx---");
                case "world-writable" -> workdir(me, "rwxr-xrwx");
                default -> workdir(me, "rwx------");
            };
            Path checked = workdir;
            if (kind.equals("pipeline-group-writable")) {
                checked = Files.createDirectory(workdir.resolve("refused"));
                assertEquals(0, sh("chown", me + ":" + me, checked.toString()));
                Files.setPosixFilePermissions(checked, PosixFilePermissions.fromString("rwxrwxr-x"));
            }
            targetWithWorkdir(workdir);
            List<String> inside;
            try (Stream<Path> s = Files.walk(workdir)) {
                inside = s.map(Path::toString).sorted().toList();
            }
            Cli.Result r = run(spec("refused", 0), "ci-shared", Map.of());
            assertEquals(3, r.exitCode(), r.toString());
            String why = switch (kind) {
                case "other-owner" -> "it belongs to uid " + Files.getAttribute(workdir, "unix:uid") + ", not to the login user (uid ";
                case "group-writable" -> "its group can write to it (drwxrwx---)";
                case "world-writable" -> "others can write to it (drwxr-xrwx)";
                default -> "its group can write to it (drwxrwxr-x)";
            };
            assertTrue(r.err().contains("refusing the workdir " + checked + " on target ci-shared: " + why), r.toString());
            assertTrue(r.err().contains("no one else can write to"), r.toString());
            try (Stream<Path> s = Files.walk(workdir)) {
                assertEquals(inside, s.map(Path::toString).sorted().toList(), "written into the refused workdir");
            }
        } finally {
            sh("userdel", other);
        }
    }
}
