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

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pvrun.testing.TestCluster;
import org.pvrun.transport.ssh.SshTransport;

/** The SSH transport's port forwards that serve uses, against the test cluster's real sshds. */
@Tag("integration")
class SshForwardingIT {

    /** Closing is not instantaneous (a listener thread, a request to sshd): allow it a few seconds. */
    static void awaitFree(int port) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!LocalPorts.isFree(port) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    @Test
    void localForwardReachesWhatOnlyTheLastHopCanThroughTheJumpHost() throws Exception {
        TestCluster cluster = TestCluster.require();
        Path jumpLog = cluster.path("JUMP_LOG");
        try (SshTransport ssh = new SshTransport(cluster.innerViaJump())) {
            ssh.connect();
            long before = Files.size(jumpLog);
            // the inner host's own sshd: no route to it from here, only through the chain (jump, then inner)
            int port = ssh.forwardLocal(0, cluster.get("INNER_HOST"), cluster.port("INNER_PORT"));
            assertFalse(LocalPorts.isFree(port));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                String banner = new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII);
                assertEquals("SSH-2.0-", banner);
            }
            // the forwarded connection is opened by the inner host (the last hop), inside the existing session:
            // the jump host saw no new direct-tcpip request for it
            String log = Files.readString(jumpLog).substring((int) before);
            assertFalse(log.contains("server_request_direct_tcpip"),
                    "the forward was opened by the jump host, not the inner host:\n" + log);
            ssh.closeLocalForward(port);
            awaitFree(port);
            assertTrue(LocalPorts.isFree(port), "port " + port + " still listened on after closeLocalForward");
        }
    }

    @Test
    void remoteForwardCarriesConnectionsBackHere() throws Exception {
        TestCluster cluster = TestCluster.require();
        try (ServerSocket here = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                SshTransport ssh = new SshTransport(cluster.login())) {
            Thread answer = new Thread(() -> {
                try (Socket c = here.accept(); OutputStream out = c.getOutputStream()) {
                    out.write("hello from here\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the read below
                }
            });
            answer.setDaemon(true);
            answer.start();
            int remote = ssh.forwardRemote("127.0.0.1", 0, "127.0.0.1", here.getLocalPort());
            assertTrue(remote > 0 && remote != here.getLocalPort(), "sshd chose no port: " + remote);
            // the login node is this machine: its sshd listens on 127.0.0.1:remote and tunnels back to us
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", remote), 5000);
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                assertEquals("hello from here\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            ssh.closeRemoteForward("127.0.0.1", remote);
            awaitFree(remote); // cancel-tcpip-forward is sent without waiting for the reply
            assertTrue(LocalPorts.isFree(remote), "sshd still listens on " + remote + " after closeRemoteForward");
        }
    }
}
