package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;
import org.pvrun.testing.CuttableProxy;
import org.pvrun.testing.TestCluster;
import org.pvrun.connect.Connection;
import org.pvrun.transport.PortForwarding;
import org.pvrun.connect.Transports;
import org.pvrun.transport.openssh.OpenSshForwarding;
import org.pvrun.transport.ssh.SshTransport;

/**
 * The port forwards that serve uses, through both transports as {@link Transports#connect} sets them up (JSch's
 * channels, the system ssh's master with {@code ssh -O forward}), against the test cluster's real sshds.
 */
@Tag("integration")
class SshForwardingIT {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Closing is not instantaneous (a listener thread, a request to sshd): allow it a few seconds. */
    static void awaitFree(int port) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!LocalPorts.isFree(port) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    /** A cluster target reached through {@code transport} (jsch or openssh). */
    Connection connect(String name, String transport) throws IOException {
        TestCluster cluster = TestCluster.require();
        Map<String, Target> all = new TargetsLoader().load(cluster.targetsFile(dir), Map.of());
        Target t = all.get(name);
        t = new Target(t.name(), t.host(), t.port(), t.user(), t.identity(), t.jump(), t.knownHosts(), t.scheduler(),
                t.workdir(), t.setup(), t.launcher(), t.pvbatch(), t.display(), t.poll(), t.resources(), t.env(), transport);
        Connection c = Transports.connect(t, false, Map.of(), System.err);
        assertTrue(transport.equals("openssh") ? c.forwarding() instanceof OpenSshForwarding
                : c.forwarding() instanceof SshTransport, c.forwarding().getClass().getName());
        return c;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jsch", "openssh"})
    void localForwardReachesWhatOnlyTheLastHopCanThroughTheJumpHost(String transport) throws Exception {
        TestCluster cluster = TestCluster.require();
        Path jumpLog = cluster.path("JUMP_LOG");
        try (Connection c = connect("ci-jump", transport)) {
            assertTrue(c.transport().exec(List.of("true"), T).ok());
            long before = Files.size(jumpLog);
            PortForwarding f = c.forwarding();
            // the inner host's own sshd: no route to it from here, only through the chain (jump, then inner)
            int port = f.forwardLocal(freePort(), cluster.get("INNER_HOST"), cluster.port("INNER_PORT"));
            assertFalse(LocalPorts.isFree(port));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                String banner = new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII);
                assertEquals("SSH-2.0-", banner);
            }
            // the forwarded connection is opened by the inner host (the last hop), inside the existing connection:
            // the jump host saw no new direct-tcpip request for it
            String log = Files.readString(jumpLog).substring((int) before);
            assertFalse(log.contains("server_request_direct_tcpip"),
                    "the forward was opened by the jump host, not the inner host:\n" + log);
            f.closeLocalForward(port);
            awaitFree(port);
            assertTrue(LocalPorts.isFree(port), "port " + port + " still listened on after closeLocalForward");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jsch", "openssh"})
    void remoteForwardCarriesConnectionsBackHere(String transport) throws Exception {
        try (ServerSocket here = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Connection c = connect("ci-ssh", transport)) {
            Thread answer = new Thread(() -> {
                try (Socket s = here.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("hello from here\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the read below
                }
            });
            answer.setDaemon(true);
            answer.start();
            PortForwarding f = c.forwarding();
            int remote = f.forwardRemote("127.0.0.1", 0, "127.0.0.1", here.getLocalPort());
            assertTrue(remote > 0 && remote != here.getLocalPort(), "sshd chose no port: " + remote);
            // the login node is this machine: its sshd listens on 127.0.0.1:remote and tunnels back to us
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", remote), 5000);
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                assertEquals("hello from here\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            f.closeRemoteForward("127.0.0.1", remote);
            awaitFree(remote); // cancel-tcpip-forward is sent without waiting for the reply
            assertTrue(LocalPorts.isFree(remote), "sshd still listens on " + remote + " after closeRemoteForward");
        }
    }

    /**
     * serve's forward outlives a dropped connection: the transport reconnects for the next command, and the local
     * port, which went with the old connection, is forwarded again on the new one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jsch", "openssh"})
    void aLocalForwardIsMadeAgainAfterTheConnectionDropped(String transport) throws Exception {
        TestCluster cluster = TestCluster.require();
        try (CuttableProxy proxy = new CuttableProxy(cluster.get("LOGIN_HOST"), cluster.port("LOGIN_PORT"))) {
            // the login node behind the proxy: its host key under the proxy's address too
            Path known = dir.resolve("known_hosts");
            StringBuilder k = new StringBuilder();
            for (String line : Files.readAllLines(cluster.path("KNOWN_HOSTS"))) {
                if (line.startsWith(cluster.loginKnownHostsName() + " ")) {
                    k.append("[127.0.0.1]:").append(proxy.port()).append(line.substring(cluster.loginKnownHostsName().length()))
                            .append('\n');
                }
            }
            Files.writeString(known, k);
            Target t = new Target("flaky", "127.0.0.1", proxy.port(), cluster.get("SSH_USER"), cluster.get("KEY"), List.of(),
                    known.toString(), "none", cluster.get("WORKDIR"), List.of(), "mpiexec", "pvbatch",
                    org.pvrun.spec.Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transport);
            java.io.ByteArrayOutputStream notes = new java.io.ByteArrayOutputStream();
            java.io.PrintStream err = new java.io.PrintStream(notes, true, StandardCharsets.UTF_8);
            int port = freePort();
            ServeOptions o = new ServeOptions(1, null, port, false, ServeOptions.DEFAULT_CLIENT_HOST, false, false, true,
                    false, null, false, false, System.out, err, Map.of("PVRUN_RECONNECT", "30s"));
            try (Connection c = Transports.connect(t, false, o.env(), err)) {
                Forwards forwards = new Forwards(o, c.forwarding());
                // the login node's own sshd, as the SSH host reaches it: a server that answers at once
                assertEquals(port, forwards.openLocal("127.0.0.1", cluster.port("LOGIN_PORT")));
                assertBanner(port);
                forwards.restoreLocal(); // still forwarded: nothing to do
                assertFalse(notes.toString(StandardCharsets.UTF_8).contains("again"), notes.toString(StandardCharsets.UTF_8));

                proxy.cut();
                awaitFree(port);
                assertTrue(LocalPorts.isFree(port), "the forward outlived its connection");
                assertTrue(c.transport().exec(List.of("true"), T).ok()); // reconnects
                forwards.restoreLocal();
                assertTrue(notes.toString(StandardCharsets.UTF_8).contains("forwarded localhost:" + port + " again"),
                        notes.toString(StandardCharsets.UTF_8));
                assertBanner(port);
                forwards.close();
                awaitFree(port);
                assertTrue(LocalPorts.isFree(port), "port " + port + " still listened on after close");
            }
        }
    }

    static void assertBanner(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            assertEquals("SSH-2.0-", new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jsch", "openssh"})
    void aLocalPortAlreadyTakenIsRefused(String transport) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Connection c = connect("ci-ssh", transport)) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> c.forwarding().forwardLocal(taken.getLocalPort(), "127.0.0.1", 22));
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
        }
    }
}
