package org.pvrun.transport.openssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;
import org.pvrun.transport.TransportContractIT;
import org.pvrun.connect.Transports;

/** {@code transport: openssh}: the shared contract, plus the master connection's own promises. */
@Tag("integration")
class OpenSshTransportIT extends TransportContractIT {

    @Override
    protected Transport open(Target target, boolean acceptNewHostKey, Map<String, String> env) {
        Transport t = Transports.open(target, acceptNewHostKey, env); // the dispatch on transport: openssh
        assertTrue(t instanceof OpenSshTransport, t.getClass().getName());
        return t;
    }

    @Override
    protected String transportName() {
        return "openssh";
    }

    @Test
    void oneAuthenticationCarriesEveryCommandAndTransfer() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts");
        Files.copy(cluster.path("KNOWN_HOSTS"), knownHosts);
        Path log = cluster.path("LOGIN_LOG");
        long offset = Files.size(log);
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(src.resolve("d/f" + i), "file " + i);
        }
        String first;
        try (Transport t = open(loginTarget(knownHosts), false, env)) {
            first = t.exec(List.of("sh", "-c", "echo $SSH_CONNECTION"), T).stdout().strip();
            // From now on any connection of its own would fail host key verification (and BatchMode forbids asking):
            // whatever still works went through the master.
            Files.writeString(knownHosts, "");
            for (int i = 0; i < 10; i++) {
                assertEquals(first, t.exec(List.of("sh", "-c", "echo $SSH_CONNECTION"), T).stdout().strip());
                t.upload(src.resolve("d/f" + i), remoteDir + "/f" + i);
                t.download(remoteDir + "/f" + i, tmp.resolve("back/f" + i));
                assertEquals("file " + i, Files.readString(tmp.resolve("back/f" + i)));
            }
            t.mkdirs(remoteDir + "/up", 0700);
            t.uploadTree(src, List.of("d"), remoteDir + "/up");
            t.downloadTree(remoteDir + "/up", List.of("d"), tmp.resolve("tree"));
            assertEquals("file 19", Files.readString(tmp.resolve("tree/d/f19")));
        }
        String port = first.split(" ")[1];
        String newLog = readFrom(log, offset);
        Matcher accepted = Pattern.compile("Accepted publickey for " + cluster.get("SSH_USER") + " from \\S+ port " + port + " ")
                .matcher(newLog);
        int count = 0;
        while (accepted.find()) {
            count++;
        }
        assertEquals(1, count, "exactly one authentication, by the master (port " + port + "):\n" + newLog);
    }

    @Test
    void closeEndsTheMasterAndRemovesItsPrivateDirectory() throws Exception {
        OpenSshTransport t = (OpenSshTransport) open(loginTarget(), false, env);
        t.exec(List.of("true"), T);
        long pid = t.masterPid();
        Path socket = t.controlSocket();
        assertTrue(pid > 0 && OpenSshTransport.running(pid));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        t.close();
        for (int i = 0; i < 250 && OpenSshTransport.running(pid); i++) {
            Thread.sleep(20);
        }
        assertFalse(OpenSshTransport.running(pid), "the master has exited");
        assertFalse(Files.exists(socket.getParent()), "the private directory is gone");
        assertThrows(IllegalStateException.class, () -> t.exec(List.of("true"), T));
    }

    @Test
    void keyWithoutAuthorizationIsALoginFailure() throws Exception {
        Path stranger = tmp.resolve("stranger");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        Target t = new Target("x", cluster.get("LOGIN_HOST"), cluster.port("LOGIN_PORT"), cluster.get("SSH_USER"),
                stranger.toString(), List.of(), cluster.get("KNOWN_HOSTS"), "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), "openssh");
        PvrunException e = assertThrows(PvrunException.class, () -> connectOnce(t, false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("Could not log in to "), e.getMessage());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void hashedKnownHostsEntriesAreUnderstood() throws Exception {
        Path file = tmp.resolve("known_hosts");
        Files.copy(cluster.path("KNOWN_HOSTS"), file);
        run("ssh-keygen", "-q", "-H", "-f", file.toString());
        assertTrue(Files.readString(file).startsWith("|1|"));
        connectOnce(loginTarget(file), false);
    }

    @Test
    void aCommandsStderrIsItsOwn() throws Exception {
        // the pid line the remote shell writes first is removed again, also when the command writes no newline
        ExecResult r = login.exec(List.of("sh", "-c", "printf 'no newline' >&2"), T);
        assertEquals("no newline", r.stderr());
    }
}
