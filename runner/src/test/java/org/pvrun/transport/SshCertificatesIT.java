package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.connect.Transports;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;
import org.pvrun.testing.TestCluster;

/**
 * SSH as HPC centres run it, against the test cluster's certificate sshd ({@code cert}: its host key signed by a
 * host CA, {@code TrustedUserCAKeys}, {@code AuthorizedKeysFile none}), with both transports: the host known only by
 * a {@code @cert-authority} line, its key {@code @revoked}, a user certificate beside its key, the same expired.
 */
@Tag("integration")
class SshCertificatesIT {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private TestCluster cluster;

    @BeforeEach
    void setUp() {
        cluster = TestCluster.require();
    }

    /** A target on the certificate sshd with this key and a copy of this known_hosts (so a test sees any change). */
    private Target target(String transport, String keyVar, String knownHostsVar) throws Exception {
        Path kh = tmp.resolve("known_hosts");
        Files.copy(cluster.path(knownHostsVar), kh);
        return new Target("cert", cluster.get("CERT_HOST"), cluster.port("CERT_PORT"), cluster.get("SSH_USER"),
                cluster.get(keyVar), List.of(), kh.toString(), "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transport);
    }

    private static String whoami(Target t, boolean acceptNew) throws Exception {
        try (Transport ssh = Transports.open(t, acceptNew, Map.of())) {
            ExecResult r = ssh.exec(List.of("id", "-un"), T);
            assertEquals(0, r.exitStatus(), r.stderr());
            return r.stdout().strip();
        }
    }

    private String logFrom(long offset) throws Exception {
        byte[] all = Files.readAllBytes(cluster.path("CERT_LOG"));
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void aHostTrustedOnlyThroughItsCaIsAcceptedAndTheCertificateBesideTheKeyLogsIn(String transport) throws Exception {
        Target t = target(transport, "CERT_KEY", "CERT_KNOWN_HOSTS_CA");
        String before = Files.readString(Path.of(t.knownHosts()));
        assertFalse(before.contains(Files.readString(cluster.path("CERT_HOST_KEY")).split(" ")[1]),
                "the host's own key is not in the known_hosts");
        long offset = Files.size(cluster.path("CERT_LOG"));
        assertEquals(cluster.get("SSH_USER"), whoami(t, false));
        // the user certificate (named nowhere but found beside its key) let pvci in: sshd has no authorized_keys
        String log = logFrom(offset);
        assertTrue(log.contains("Accepted publickey for " + cluster.get("SSH_USER")) && log.contains("ED25519-CERT")
                && log.contains("ID pvrun-test-id_cert "), log);
        assertEquals(before, Files.readString(Path.of(t.knownHosts())), "known_hosts untouched");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void thePlainKeyWithoutACertificateIsRefused(String transport) throws Exception {
        Target t = target(transport, "KEY", "CERT_KNOWN_HOSTS_CA");
        PvrunException e = assertThrows(PvrunException.class, () -> whoami(t, false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("Could not log in to "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void aRevokedHostKeyIsRefusedAlsoWithAcceptNew(String transport) throws Exception {
        for (boolean acceptNew : new boolean[] {false, true}) {
            Target t = target(transport, "CERT_KEY", "CERT_KNOWN_HOSTS_REVOKED");
            String before = Files.readString(Path.of(t.knownHosts()));
            PvrunException e = assertThrows(PvrunException.class, () -> whoami(t, acceptNew));
            assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
            String m = e.getMessage();
            assertTrue(m.contains("REVOKED") && m.contains("[" + cluster.get("CERT_HOST") + "]:" + cluster.get("CERT_PORT"))
                    && m.contains(t.knownHosts()), m);
            assertEquals(before, Files.readString(Path.of(t.knownHosts())), "known_hosts untouched");
            Files.delete(Path.of(t.knownHosts()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void aRevokedPlainHostKeyIsRefusedEvenWithItsOwnLine(String transport) throws Exception {
        // the login sshd (no certificate): its key line, and the same key @revoked, as after a key was stolen
        String name = cluster.loginKnownHostsName();
        String line = Files.readAllLines(cluster.path("KNOWN_HOSTS")).stream().filter(l -> l.startsWith(name + " "))
                .findFirst().orElseThrow();
        Path kh = Files.writeString(tmp.resolve("known_hosts_login_revoked"), line + "\n@revoked " + line + "\n");
        Target t = new Target("login", cluster.get("LOGIN_HOST"), cluster.port("LOGIN_PORT"), cluster.get("SSH_USER"),
                cluster.get("KEY"), List.of(), kh.toString(), "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transport);
        PvrunException e = assertThrows(PvrunException.class, () -> whoami(t, true));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains("REVOKED") && e.getMessage().contains(kh.toString()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void anExpiredUserCertificateIsRefusedSayingWhenItExpired(String transport) throws Exception {
        Target t = target(transport, "CERT_KEY_EXPIRED", "CERT_KNOWN_HOSTS_CA");
        long offset = Files.size(cluster.path("CERT_LOG"));
        PvrunException e = assertThrows(PvrunException.class, () -> whoami(t, false));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        String m = e.getMessage();
        assertTrue(m.startsWith("Could not log in to "), m);
        assertTrue(m.contains("the SSH certificate " + cluster.get("CERT_KEY_EXPIRED") + "-cert.pub expired at"
                + " 2020-01-02T00:00:00Z"), m);
        // sshd saw the certificate and refused it for its date (not, say, a certificate never offered)
        String log = logFrom(offset);
        assertTrue(log.contains("Certificate invalid: expired"), log);
    }
}
