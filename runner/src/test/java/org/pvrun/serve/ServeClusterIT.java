package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.run.Pvbatch;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;
import org.pvrun.testing.TestCluster;
import org.pvrun.testing.Xvfb;

/**
 * {@code pvrun serve} for real on the test cluster (scripts/testcluster/start): pvserver with 2 ranks in a
 * Slurm job submitted over SSH, a real ParaView client (pvpython under its own Xvfb, running
 * src/test/resources/serve/client.py) connecting through pvrun's forward, and Ctrl-C ending it all. pvrun runs
 * as its own process, as a user starts it, so that it can be sent SIGINT.
 */
@Tag("integration")
class ServeClusterIT {
    static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    TestCluster cluster;
    Path targets;
    Xvfb display;
    final List<Proc> procs = new ArrayList<>();
    final List<String> jobs = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        cluster = TestCluster.require();
        targets = cluster.targetsFile(dir);
        // ci-slurm through the system's ssh: its forwards ride the master connection (ssh -O forward)
        addLoginTarget("ci-slurm-openssh", "display: xvfb", "poll: 1s", "transport: openssh",
                "resources: {partition: " + cluster.get("PARTITION") + ", time: \"00:10:00\"}");
        assumeTrue(Pvbatch.onPath("pvpython", System.getenv()) != null, "pvpython (the test's client) is not installed");
    }

    @AfterEach
    void tearDown() throws Exception {
        // a failed test must not leave pvrun, a client or a job behind: SIGTERM first (pvrun then cancels)
        for (Proc p : procs) {
            p.stop();
        }
        for (String job : jobs) {
            if (queued(job)) {
                exec("scancel", job);
            }
        }
        if (display != null) {
            display.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ci-slurm", "ci-slurm-openssh"})
    void twoRanksThroughSlurmAndTheForwardThenCtrlC(String target) throws Exception {
        Path pvsc = dir.resolve("servers/" + target + ".pvsc");
        Proc serve = serve("-t", target, "--ranks", "2", "--pvsc", pvsc.toString());
        String job = serve.await("submitted slurm job (\\d+)", READY).group(1);
        jobs.add(job);
        int port = Integer.parseInt(serve.await("connect the ParaView client to localhost:(\\d+)", READY).group(1));
        assertFalse(LocalPorts.isFree(port), "pvrun said it forwards port " + port + " but nothing listens there");
        // the server is a 2-task Slurm job of the cluster's user, and the client gets a ready server file
        String show = exec("scontrol", "show", "job", job);
        assertTrue(show.contains("NumTasks=2") && show.contains("UserId=" + cluster.get("SSH_USER") + "("), show);
        assertTrue(show.contains("JobName=pvrun-serve"), show);
        assertEquals(ServerConfigFile.render("pvrun " + target, false, "localhost", port), Files.readString(pvsc));
        assertTrue(serve.text().contains(" through " + (target.endsWith("openssh") ? "openssh " : "ssh ")
                + cluster.get("SSH_USER") + "@"), serve.text());

        Path png = dir.resolve("forward.png");
        Proc client = client("forward", port, png, "hold");
        client.await("remote=True partitions=2", READY);
        client.await("process_ids=0-1", READY);
        client.await("RENDERED", READY);
        assertRendered(png);
        serve.await("a client is connected", READY);

        serve.sigint();
        assertEquals(130, serve.waitFor(Duration.ofSeconds(40)), serve.text());
        assertTrue(serve.text().contains("cancelled job " + job), serve.text());
        assertFalse(queued(job), "job " + job + " still queued after Ctrl-C:\n" + exec("squeue"));
        assertTrue(LocalPorts.isFree(port) && !accepts(port), "port " + port + " still open after Ctrl-C");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ci-slurm", "ci-slurm-openssh"})
    void reverseConnectionThroughARemoteForwardThenCtrlC(String target) throws Exception {
        int port = freePort();
        Path png = dir.resolve("reverse.png");
        // the client listens first, as the GUI does after File > Connect on a reverse-connection server
        Proc client = client("reverse", port, png, "hold");
        awaitListening(port, client);
        Proc serve = serve("-t", target, "--ranks", "2", "--reverse", "--port", Integer.toString(port),
                "--pvsc", dir.resolve("r.pvsc").toString());
        int remote = Integer.parseInt(serve.await("remote forward 127\\.0\\.0\\.1:(\\d+) on " + target + " -> localhost:"
                + port, READY).group(1));
        String job = serve.await("submitted slurm job (\\d+)", READY).group(1);
        jobs.add(job);
        assertTrue(serve.text().contains("--rc --client-host=127.0.0.1 --server-port=" + remote), serve.text());
        // the login node's sshd (this machine, where the job runs too) listens for pvserver's call
        assertFalse(LocalPorts.isFree(remote), "nothing listens on the remote forward's port " + remote);

        client.await("remote=True partitions=2", READY);
        client.await("process_ids=0-1", READY);
        client.await("RENDERED", READY);
        assertRendered(png);
        serve.await("pvserver connected back to the client", READY);

        serve.sigint();
        assertEquals(130, serve.waitFor(Duration.ofSeconds(40)), serve.text());
        assertTrue(serve.text().contains("cancelled job " + job), serve.text());
        assertFalse(queued(job), "job " + job + " still queued after Ctrl-C:\n" + exec("squeue"));
        assertTrue(LocalPorts.isFree(remote), "the remote forward's port " + remote + " is still open after Ctrl-C");
    }

    @Test
    void clientDisconnectingEndsTheSession() throws Exception {
        Proc serve = serve("-t", "ci-slurm", "--ranks", "2", "--pvsc", dir.resolve("d.pvsc").toString());
        String job = serve.await("submitted slurm job (\\d+)", READY).group(1);
        jobs.add(job);
        int port = Integer.parseInt(serve.await("connect the ParaView client to localhost:(\\d+)", READY).group(1));
        Path png = dir.resolve("leave.png");
        Proc client = client("forward", port, png, "leave");
        client.await("DISCONNECTED", READY);
        assertRendered(png);
        // pvserver exits when its client leaves; pvrun notices, closes the forward and ends well
        assertEquals(0, serve.waitFor(Duration.ofSeconds(40)), serve.text());
        assertTrue(serve.text().contains("pvserver exited (its client disconnected); session over"), serve.text());
        assertFalse(queued(job), "job " + job + " still queued:\n" + exec("squeue"));
        assertTrue(LocalPorts.isFree(port) && !accepts(port), "port " + port + " still open");
    }

    @Test
    void versionMismatchIsRefusedBeforeAnythingIsSubmitted() throws IOException {
        // a pvserver first on PATH (for the cluster's user) that claims another version
        Path fake = Files.createDirectories(dir.resolve("fakebin"));
        Files.writeString(fake.resolve("pvserver"), "#!/bin/sh\necho 'paraview version 5.9.0'\n");
        for (Path p : List.of(dir, fake, fake.resolve("pvserver"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        addLoginTarget("ci-old", "setup: [\"export PATH=" + fake + ":$PATH\"]");
        Cli.Result r = Cli.run("serve", "-t", "ci-old", "--targets", targets.toString(), "--pvsc",
                dir.resolve("old.pvsc").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("the client here is 5.11") && r.err().contains("is 5.9.0"), r.err());
        assertTrue(r.err().contains("--ignore-version"), r.err());
        assertFalse(r.out().contains("submitted"), r.out());
        assertFalse(Files.exists(dir.resolve("old.pvsc")));
    }

    // ---------------------------------------------------------------- helpers

    /** Adds a Slurm target on the cluster's login node to the targets file, with lines of its own. */
    void addLoginTarget(String name, String... lines) throws IOException {
        StringBuilder sb = new StringBuilder(Files.readString(targets)).append("  ").append(name).append(":\n");
        for (String l : List.of("host: " + cluster.get("LOGIN_HOST"), "port: " + cluster.get("LOGIN_PORT"),
                "user: " + cluster.get("SSH_USER"), "identity: " + cluster.get("KEY"),
                "known_hosts: " + cluster.get("KNOWN_HOSTS"), "workdir: " + cluster.get("WORKDIR"), "scheduler: slurm")) {
            sb.append("    ").append(l).append('\n');
        }
        for (String l : lines) {
            sb.append("    ").append(l).append('\n');
        }
        Files.writeString(targets, sb.toString());
    }

    Proc serve(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "serve", "--targets",
                targets.toString()));
        cmd.addAll(List.of(args));
        return start("pvrun", new ProcessBuilder(cmd));
    }

    /** The pvpython client under a private Xvfb: pvpython needs a display, as the GUI does. */
    Proc client(String mode, int port, Path png, String after) throws IOException {
        if (display == null) {
            display = Xvfb.start();
        }
        Path script = Path.of(System.getProperty("pvrun.repo", "..")).resolve("runner/src/test/resources/serve/client.py");
        ProcessBuilder pb = new ProcessBuilder("pvpython", script.toString(), mode, Integer.toString(port), png.toString(),
                after);
        pb.environment().put("DISPLAY", display.display);
        return start("client", pb);
    }

    Proc start(String name, ProcessBuilder pb) throws IOException {
        Proc p = new Proc(name, pb.redirectErrorStream(true).start());
        procs.add(p);
        return p;
    }

    static void assertRendered(Path png) throws IOException {
        var img = Images.read(png);
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        assertTrue(Images.luminanceVariance(img) > 50, "image looks blank: " + png);
    }

    static void awaitListening(int port, Proc client) throws InterruptedException {
        long end = System.nanoTime() + READY.toNanos();
        while (LocalPorts.isFree(port)) {
            if (System.nanoTime() > end || !client.process.isAlive()) {
                fail("the client never listened on " + port + ":\n" + client.text());
            }
            Thread.sleep(100);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Pending, running or completing in Slurm (a cancelled or finished job may linger as CA/CD until MinJobAge). */
    static boolean queued(String job) throws IOException, InterruptedException {
        return exec("squeue", "-h", "-t", "PD,R,CG", "-o", "%i").lines().anyMatch(l -> l.strip().equals(job));
    }

    static String exec(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }

    /** A child process whose output is collected line by line as it comes. */
    static final class Proc {
        final String name;
        final Process process;
        final StringBuilder out = new StringBuilder();

        Proc(String name, Process process) {
            this.name = name;
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (out) {
                            out.append(line).append('\n');
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "it-" + name);
            t.setDaemon(true);
            t.start();
        }

        String text() {
            synchronized (out) {
                return out.toString();
            }
        }

        Matcher await(String regex, Duration limit) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long end = System.nanoTime() + limit.toNanos();
            while (true) {
                Matcher m = p.matcher(text());
                if (m.find()) {
                    return m;
                }
                if (System.nanoTime() > end || !process.isAlive() && !p.matcher(text()).find()) {
                    Thread.sleep(200); // the last lines may still be on their way
                    m = p.matcher(text());
                    if (m.find()) {
                        return m;
                    }
                    fail(name + " never printed /" + regex + "/ (" + (process.isAlive() ? "still running" : "exited "
                            + process.exitValue()) + "):\n" + text());
                }
                Thread.sleep(100);
            }
        }

        void sigint() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        }

        int waitFor(Duration limit) throws InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(name + " still running after " + limit.toSeconds() + " s:\n" + text());
            }
            Thread.sleep(200); // let the reader take the last lines
            return process.exitValue();
        }

        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
