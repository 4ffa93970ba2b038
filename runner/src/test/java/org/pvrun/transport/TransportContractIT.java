package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;
import org.pvrun.testing.TestCluster;

/**
 * What every remote transport must do, against the real test cluster (three OpenSSH servers; the inner one reachable
 * only through the jump host). A subclass supplies the transport for a target; each runs all of these.
 */
@Tag("integration")
public abstract class TransportContractIT {
    protected static final Duration T = Duration.ofSeconds(30);

    @TempDir
    protected Path tmp;

    protected TestCluster cluster;
    protected Transport login;
    protected String remoteDir;
    /** An empty OpenSSH configuration, so that neither ~/.ssh/config nor the system's changes what is tested. */
    protected Map<String, String> env;

    /** The transport for {@code target}, not yet connected (it connects on first use). */
    protected abstract Transport open(Target target, boolean acceptNewHostKey, Map<String, String> env);

    /** The value of the target's {@code transport} key. */
    protected abstract String transportName();

    @BeforeEach
    void connect() throws Exception {
        cluster = TestCluster.require();
        env = Map.of("PVRUN_SSH_CONFIG", Files.createFile(tmp.resolve("empty_ssh_config")).toString());
        login = open(loginTarget(), false, env);
        ExecResult r = login.exec(List.of("mktemp", "-d", "/tmp/pvrun-sshtest.XXXXXX"), T);
        assertEquals(0, r.exitStatus(), r.evidence());
        remoteDir = r.stdout().strip();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (login != null) {
            if (remoteDir != null) {
                login.exec(List.of("rm", "-rf", "--", remoteDir), T);
            }
            login.close();
        }
    }

    // ---------------------------------------------------------------- targets

    protected Target target(String host, Integer port, List<String> jump, Path knownHosts) {
        return new Target("test", host, port, cluster.get("SSH_USER"), cluster.get("KEY"), jump,
                knownHosts == null ? null : knownHosts.toString(), "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transportName());
    }

    protected Target loginTarget() {
        return loginTarget(cluster.path("KNOWN_HOSTS"));
    }

    protected Target loginTarget(Path knownHosts) {
        return target(cluster.get("LOGIN_HOST"), cluster.port("LOGIN_PORT"), List.of(), knownHosts);
    }

    protected Target innerTarget(List<String> jump) {
        return target(cluster.get("INNER_HOST"), cluster.port("INNER_PORT"), jump, cluster.path("KNOWN_HOSTS"));
    }

    /** Connects (transports connect on first use) and closes again; throws what connecting threw. */
    protected void connectOnce(Target target, boolean acceptNew) throws Exception {
        try (Transport t = open(target, acceptNew, env)) {
            assertEquals("ok\n", t.exec(List.of("echo", "ok"), T).stdout());
        }
    }

    // ---------------------------------------------------------------- exec

    @Test
    void argumentsReachTheRemoteCommandUnchangedAndAreNeverRunAsCode() throws Exception {
        String canaryDir = remoteDir + "/canaries";
        login.mkdirs(canaryDir, 0700);
        List<String> args = List.of("plain", "two words", "it's", "\"double\"", "$(touch " + canaryDir + "/dollar)",
                "`touch " + canaryDir + "/backtick`", "; touch " + canaryDir + "/semicolon", "| touch " + canaryDir + "/pipe",
                "*", "", "back\\slash", "$HOME", "line\nbreak", "tab\there", "ünïcødé", "-n");
        List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
        argv.addAll(args);
        ExecResult r = login.exec(argv, T);
        assertEquals(0, r.exitStatus(), r.evidence());
        String expected = args.stream().map(a -> "[" + a + "]\n").collect(Collectors.joining());
        assertEquals(expected, r.stdout());
        assertEquals("", r.stderr());

        // the directory is writable, so a canary would have appeared had any argument been run
        assertEquals(0, login.exec(List.of("touch", canaryDir + "/control"), T).exitStatus());
        ExecResult ls = login.exec(List.of("ls", "-A", canaryDir), T);
        assertEquals("control\n", ls.stdout(), "only the control file may exist:\n" + ls.evidence());
    }

    @Test
    void exitStatusStdoutAndStderrArePropagated() throws Exception {
        ExecResult r = login.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 7"), T);
        assertEquals(7, r.exitStatus());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertEquals(1, login.exec(List.of("false"), T).exitStatus());
        assertEquals(127, login.exec(List.of("pvrun-no-such-command"), T).exitStatus());
        // a command's own 255 is an exit status like any other, not a lost connection
        assertEquals(255, login.exec(List.of("sh", "-c", "exit 255"), T).exitStatus());
        // stdin is at end of file: a command reading it does not hang
        assertEquals("", login.exec(List.of("cat"), Duration.ofSeconds(10)).stdout());
    }

    @Test
    void largeOutputOnBothStreamsIsCapturedCompletely() throws Exception {
        ExecResult r = login.exec(List.of("sh", "-c",
                "head -c 3000000 /dev/zero | tr '\\0' a; head -c 2000000 /dev/zero | tr '\\0' b >&2"), T);
        assertEquals(0, r.exitStatus(), r.evidence());
        assertEquals(3_000_000, r.stdout().length());
        assertEquals(2_000_000, r.stderr().length());
    }

    @Test
    void timeoutStopsTheRemoteCommandAndTheSessionStaysUsable() throws Exception {
        String pidFile = remoteDir + "/pid";
        long t0 = System.nanoTime();
        ExecTimeoutException e = assertThrows(ExecTimeoutException.class, () -> login.exec(
                List.of("sh", "-c", "echo $$ > \"$1\"; echo started; exec sleep 60", "sh", pidFile), Duration.ofSeconds(1)));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10);
        assertEquals("started\n", e.partial().stdout());
        assertEquals(-1, e.partial().exitStatus());
        // the SIGTERM reached it (the cluster logs in as a normal user, so sshd honours signal requests)
        String alive = "";
        for (int i = 0; i < 30; i++) {
            alive = login.exec(List.of("sh", "-c", "kill -0 $(cat \"$1\") 2>/dev/null && echo alive || echo gone", "sh", pidFile), T).stdout();
            if (alive.equals("gone\n")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("gone\n", alive);
        assertEquals("ok\n", login.exec(List.of("echo", "ok"), T).stdout());
    }

    @Test
    void aLostConnectionIsReportedAndTheNextCallReconnects() throws Exception {
        Path f = Files.writeString(tmp.resolve("before"), "before");
        login.upload(f, remoteDir + "/before"); // opens what file transfers use on the first connection
        String connection = connection();
        // kill the sshd process that serves this very connection (the nearest sshd above the remote shell)
        String killSshd = "p=$$; while [ \"$(ps -o comm= -p \"$p\")\" != sshd ]; do p=$(ps -o ppid= -p \"$p\" | tr -d ' ');"
                + " done; kill -9 \"$p\"; sleep 5";
        IOException lost = assertThrows(IOException.class, () -> login.exec(List.of("sh", "-c", killSshd), T));
        assertTrue(lost.getMessage().contains("connection lost"), lost.getMessage());
        assertEquals("again\n", login.exec(List.of("echo", "again"), T).stdout());
        assertNotEquals(connection, connection(), "a new connection");
        Path g = Files.writeString(tmp.resolve("after"), "after reconnect");
        login.upload(g, remoteDir + "/after");
        login.download(remoteDir + "/after", tmp.resolve("after-back"));
        assertEquals("after reconnect", Files.readString(tmp.resolve("after-back")));
    }

    @Test
    void oneConnectionCarriesEverything() throws Exception {
        String connection = connection();
        Path f = Files.writeString(tmp.resolve("f.txt"), "x");
        for (int i = 0; i < 5; i++) {
            login.exec(List.of("true"), T);
            login.upload(f, remoteDir + "/f" + i);
            login.download(remoteDir + "/f" + i, tmp.resolve("back" + i));
        }
        login.downloadTree(remoteDir, List.of("f0", "f1"), tmp.resolve("tree"));
        assertEquals(connection, connection(), "commands still run over the same connection");
    }

    @Test
    void parallelCommandsShareTheConnection() throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 20; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    ExecResult r = login.exec(List.of("sh", "-c", "sleep 0.2; echo " + n), T);
                    if (r.stdout().equals(n + "\n")) {
                        ok.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), errors);
        assertEquals(20, ok.get());
    }

    // ---------------------------------------------------------------- files

    @Test
    void uploadAndDownloadAFewMebibytes() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 123];
        new Random(42).nextBytes(data);
        Path local = Files.write(tmp.resolve("data.bin"), data);
        String remote = remoteDir + "/sub dir/da*ta?.bin"; // a space and glob characters
        login.mkdirs(remoteDir + "/sub dir", 0755);
        login.upload(local, remote);

        ExecResult sum = login.exec(List.of("sha256sum", "--", remote), T);
        assertEquals(0, sum.exitStatus(), sum.evidence());
        assertEquals(sha256(data), sum.stdout().split(" ")[0]);

        Path back = tmp.resolve("down/nested/back.bin");
        login.download(remote, back);
        assertArrayEquals(data, Files.readAllBytes(back));

        // replacing existing files on both sides
        byte[] small = "second version\n".getBytes(StandardCharsets.UTF_8);
        login.upload(Files.write(tmp.resolve("small"), small), remote);
        login.download(remote, back);
        assertArrayEquals(small, Files.readAllBytes(back));

        assertEquals("da*ta?.bin\n", login.exec(List.of("ls", "-A", remoteDir + "/sub dir"), T).stdout(),
                "no temporary .part files left on the host");
        try (Stream<Path> s = Files.list(back.getParent())) {
            assertEquals(List.of("back.bin"), s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
    }

    @Test
    void uploadGivesTheLocalBitsTheHostsUmaskAllows() throws Exception {
        int umask = Integer.parseInt(login.exec(List.of("sh", "-c", "umask"), T).stdout().strip(), 8);
        assertTrue((umask & 0022) != 0, "the test needs a login umask that removes group or other write: " + umask);
        for (String local : List.of("rw-rw-rw-", "rwxrwxrwx", "rw-------")) {
            Path f = Files.writeString(tmp.resolve("mode-" + local), local);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(local));
            login.upload(f, remoteDir + "/" + f.getFileName());
            int expected = LocalFiles.mode(PosixFilePermissions.fromString(local)) & ~umask;
            assertEquals(Integer.toOctalString(expected), login.exec(List.of("stat", "-c", "%a", remoteDir + "/"
                    + f.getFileName()), T).stdout().strip(), "uploaded with local mode " + local);
        }
    }

    @Test
    void uploadKeepsTheExecutableBitAndDownloadOfAMissingFileFails() throws Exception {
        Path script = Files.writeString(tmp.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        script.toFile().setExecutable(true);
        login.upload(script, remoteDir + "/run.sh");
        assertEquals("ran\n", login.exec(List.of(remoteDir + "/run.sh"), T).stdout());

        IOException e = assertThrows(IOException.class, () -> login.download(remoteDir + "/missing", tmp.resolve("m")));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".m") || p.getFileName().toString().equals("m")),
                    "neither the file nor a temporary file is left");
        }
        IOException up = assertThrows(IOException.class, () -> login.upload(script, remoteDir + "/no-such-dir/run.sh"));
        assertTrue(up.getMessage().contains("no-such-dir"), up.getMessage());
    }

    @Test
    void mkdirsCreatesMissingDirectoriesWithTheMode() throws Exception {
        login.mkdirs(remoteDir + "/a/b/c", 0700);
        ExecResult r = login.exec(List.of("stat", "-c", "%a %n", remoteDir + "/a", remoteDir + "/a/b", remoteDir + "/a/b/c"), T);
        assertEquals("700 " + remoteDir + "/a\n700 " + remoteDir + "/a/b\n700 " + remoteDir + "/a/b/c\n", r.stdout());
        login.mkdirs(remoteDir + "/a/b/c", 0755); // exists: nothing to do, mode untouched
        assertEquals("700\n", login.exec(List.of("stat", "-c", "%a", remoteDir + "/a/b/c"), T).stdout());

        login.exec(List.of("touch", remoteDir + "/file"), T);
        assertThrows(IOException.class, () -> login.mkdirs(remoteDir + "/file/sub", 0700));
    }

    @Test
    void downloadTreeOfTwoHundredFiles() throws Exception {
        String script = "set -e; cd \"$1\"; for d in 0 1 2 3 4 5 6 7 8 9; do mkdir -p tree/sub$d; "
                + "for i in $(seq 1 20); do echo \"file $d/$i\" > tree/sub$d/f$i.txt; done; done; "
                + "head -c 300000 /dev/urandom > tree/blob.bin; mkdir -p other; echo no > other/x";
        ExecResult made = login.exec(List.of("sh", "-c", script, "sh", remoteDir), T);
        assertEquals(0, made.exitStatus(), made.evidence());
        String blobSum = login.exec(List.of("sha256sum", remoteDir + "/tree/blob.bin"), T).stdout().split(" ")[0];

        Path local = tmp.resolve("local");
        login.downloadTree(remoteDir, List.of("tree"), local);

        List<Path> files;
        try (Stream<Path> s = Files.walk(local)) {
            files = s.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertEquals(201, files.size());
        for (int d = 0; d < 10; d++) {
            for (int i = 1; i <= 20; i++) {
                assertEquals("file " + d + "/" + i + "\n", Files.readString(local.resolve("tree/sub" + d + "/f" + i + ".txt")));
            }
        }
        assertEquals(blobSum, sha256(Files.readAllBytes(local.resolve("tree/blob.bin"))));
        assertFalse(Files.exists(local.resolve("other")), "only the requested paths");
        try (Stream<Path> s = Files.walk(local)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
        }

        // single files from several directories in one stream
        Path picked = tmp.resolve("picked");
        login.downloadTree(remoteDir + "/tree", List.of("sub3/f7.txt", "sub9/f20.txt"), picked);
        assertEquals("file 3/7\n", Files.readString(picked.resolve("sub3/f7.txt")));
        assertEquals("file 9/20\n", Files.readString(picked.resolve("sub9/f20.txt")));
    }

    @Test
    void downloadTreeReportsMissingFilesAndRefusesLinks() throws Exception {
        login.exec(List.of("sh", "-c", "cd \"$1\" && echo a > a && ln -s /etc/passwd link", "sh", remoteDir), T);
        IOException missing = assertThrows(IOException.class,
                () -> login.downloadTree(remoteDir, List.of("a", "nope"), tmp.resolve("m")));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        assertEquals("a\n", Files.readString(tmp.resolve("m/a")), "the files that exist are still copied");

        IOException link = assertThrows(IOException.class,
                () -> login.downloadTree(remoteDir, List.of("link"), tmp.resolve("l")));
        assertTrue(link.getMessage().contains("symbolic link"), link.getMessage());
        assertFalse(Files.exists(tmp.resolve("l/link")));

        assertThrows(IOException.class, () -> login.downloadTree(remoteDir, List.of("../etc"), tmp.resolve("x")));
        assertThrows(IOException.class, () -> login.downloadTree(remoteDir, List.of("/etc/passwd"), tmp.resolve("x")));
    }

    @Test
    void uploadTreeOfTwoHundredFiles() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 200; i++) {
            Path f = src.resolve("in/d" + (i % 7) + "/file " + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "content " + i + "\n");
        }
        login.mkdirs(remoteDir + "/up", 0700);
        login.uploadTree(src, List.of("in"), remoteDir + "/up");
        ExecResult r = login.exec(List.of("sh", "-c", "cd \"$1\" && find in -type f | wc -l && cat 'in/d3/file 10.txt'",
                "sh", remoteDir + "/up"), T);
        assertEquals("200\ncontent 10\n", r.stdout(), r.evidence());

        Path back = tmp.resolve("back");
        login.downloadTree(remoteDir + "/up", List.of("in"), back);
        for (int i = 0; i < 200; i++) {
            assertEquals("content " + i + "\n", Files.readString(back.resolve("in/d" + (i % 7) + "/file " + i + ".txt")));
        }
        assertThrows(IOException.class, () -> login.uploadTree(src, List.of("in"), remoteDir + "/does-not-exist"));
    }

    // ---------------------------------------------------------------- host keys

    @Test
    void unknownHostKeyIsRefused() throws Exception {
        Path empty = Files.createFile(tmp.resolve("known_hosts"));
        PvrunException e = assertThrows(PvrunException.class, () -> connectOnce(loginTarget(empty), false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains(cluster.get("LOGIN_HOST")), e.getMessage());
        assertTrue(e.getMessage().contains("--accept-new-host-key"), e.getMessage());
        assertTrue(e.getMessage().contains("ssh-keyscan"), e.getMessage());
        assertEquals(0, Files.size(empty), "nothing added without accept-new");
    }

    @Test
    void anSshConfigCannotTurnHostKeyCheckingOff() throws Exception {
        Path empty = Files.createFile(tmp.resolve("known_hosts"));
        Path lax = Files.writeString(tmp.resolve("lax_ssh_config"),
                "Host *\n    StrictHostKeyChecking no\n    UserKnownHostsFile " + empty + "\n");
        env = Map.of("PVRUN_SSH_CONFIG", lax.toString());
        PvrunException e = assertThrows(PvrunException.class, () -> connectOnce(loginTarget(null), false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains("--accept-new-host-key"), e.getMessage());
        assertEquals(0, Files.size(empty), "nothing added");
    }

    @Test
    void acceptNewHostKeyAddsTheKeyAndTrustsItAfterwards() throws Exception {
        Path file = tmp.resolve("new/.ssh/known_hosts"); // neither the file nor its directory exist yet
        connectOnce(loginTarget(file), true);
        assertTrue(Files.isRegularFile(file));
        // OpenSSH's own tool finds the entry and computes the same fingerprint as the cluster's known_hosts
        assertEquals(opensshFingerprint(cluster.path("KNOWN_HOSTS"), cluster.loginKnownHostsName()),
                opensshFingerprint(file, cluster.loginKnownHostsName()));
        // and strict checking now accepts it
        connectOnce(loginTarget(file), false);
        assertEquals(1, Files.readAllLines(file).size(), "added once");
    }

    @Test
    void changedHostKeyIsAlwaysRefused() throws Exception {
        Path file = cluster.knownHostsWithOtherKeys(tmp);
        String lines = Files.readString(file);
        for (boolean acceptNew : List.of(false, true)) {
            PvrunException e = assertThrows(PvrunException.class, () -> connectOnce(loginTarget(file), acceptNew));
            assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
            assertTrue(e.getMessage().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), e.getMessage());
            assertTrue(e.getMessage().contains(opensshFingerprint(cluster.path("KNOWN_HOSTS"), cluster.loginKnownHostsName())),
                    e.getMessage());
            assertTrue(e.getMessage().contains("ssh-keygen") && e.getMessage().contains("-R"), e.getMessage());
        }
        assertEquals(lines, Files.readString(file), "known_hosts untouched");
    }

    // ---------------------------------------------------------------- jump host

    @Test
    void innerHostIsReachedThroughTheJumpHostOnly() throws Exception {
        PvrunException e = assertThrows(PvrunException.class, () -> connectOnce(innerTarget(List.of()), false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("Cannot connect to"), e.getMessage());

        Path jumpLog = cluster.path("JUMP_LOG");
        long offset = Files.size(jumpLog);
        try (Transport inner = open(innerTarget(List.of(cluster.jumpHop())), false, env)) {
            ExecResult r = inner.exec(List.of("sh", "-c", "ip -o -4 addr show | grep -c " + cluster.get("INNER_HOST")), T);
            assertEquals("1\n", r.stdout(), "the command ran on the inner host:\n" + r.evidence());

            byte[] data = new byte[2 * 1024 * 1024];
            new Random(7).nextBytes(data);
            Path local = Files.write(tmp.resolve("through-jump.bin"), data);
            String remote = "/tmp/pvrun-through-jump-" + transportName() + ".bin";
            inner.upload(local, remote);
            inner.download(remote, tmp.resolve("back.bin"));
            inner.exec(List.of("rm", "-f", remote), T);
            assertArrayEquals(data, Files.readAllBytes(tmp.resolve("back.bin")));
        }
        String newLog = readFrom(jumpLog, offset);
        assertTrue(newLog.contains("direct-tcpip") && newLog.contains(cluster.get("INNER_HOST")),
                "the jump host logged the forwarded connection:\n" + newLog);
    }

    @Test
    void sshConfigAliasWithProxyJumpIsResolved() throws Exception {
        Target alias = new Target("alias", "pvci-inner", null, null, null, List.of(), null, "none", null, List.of(), "none",
                "pvbatch", Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transportName());
        Map<String, String> withConfig = Map.of("PVRUN_SSH_CONFIG", cluster.get("SSH_CONFIG"));
        try (Transport inner = open(alias, false, withConfig)) {
            assertEquals(cluster.get("SSH_USER") + "\n", inner.exec(List.of("id", "-un"), T).stdout());
            assertEquals("1\n", inner.exec(List.of("sh", "-c", "ip -o -4 addr show | grep -c " + cluster.get("INNER_HOST")), T)
                    .stdout());
        }
    }

    @Test
    void unreachableTargetBehindTheJumpHostIsExplained() {
        Target nothingThere = target(cluster.get("INNER_HOST"), 1, List.of(cluster.jumpHop()), cluster.path("KNOWN_HOSTS"));
        PvrunException e = assertThrows(PvrunException.class, () -> connectOnce(nothingThere, false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains(cluster.get("INNER_HOST")), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    /** {@code $SSH_CONNECTION} of a command: client address and port name the one TCP connection it ran over. */
    protected String connection() throws Exception {
        ExecResult r = login.exec(List.of("sh", "-c", "echo $SSH_CONNECTION"), T);
        assertEquals(0, r.exitStatus(), r.evidence());
        assertFalse(r.stdout().isBlank(), r.evidence());
        return r.stdout().strip();
    }

    /** The SHA256 fingerprint OpenSSH's ssh-keygen computes for the host's entry in a known_hosts file. */
    protected static String opensshFingerprint(Path knownHosts, String host) throws Exception {
        String out = run("ssh-keygen", "-l", "-F", host, "-f", knownHosts.toString());
        Matcher m = Pattern.compile("SHA256:[A-Za-z0-9+/]+").matcher(out);
        assertTrue(m.find(), "ssh-keygen found no key for " + host + ":\n" + out);
        return m.group();
    }

    protected static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", argv) + ":\n" + out);
        return out;
    }

    protected static String readFrom(Path file, long offset) throws Exception {
        for (int attempt = 0; attempt < 20 && Files.size(file) <= offset; attempt++) {
            Thread.sleep(100);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            byte[] b = new byte[(int) (f.length() - offset)];
            f.readFully(b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    protected static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
