package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.connect.Transports;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;
import org.pvrun.testing.SshAgent;
import org.pvrun.testing.TestCluster;
import org.pvrun.transport.ssh.SshConnection;
import org.pvrun.transport.ssh.SshOptions;
import org.pvrun.transport.ssh.SshPrompter;
import org.pvrun.transport.ssh.SshSessionFactory;

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
        return TransportContractIT.readFrom(cluster.path("CERT_LOG"), offset);
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
    void withoutTheCaLineTheHostIsCheckedByItsOwnKeyLine(String transport) throws Exception {
        // as OpenSSH: a host certificate whose CA is not trusted falls back to the plain key, known or refused
        String name = "[" + cluster.get("CERT_HOST") + "]:" + cluster.get("CERT_PORT");
        String[] key = Files.readString(cluster.path("CERT_HOST_KEY")).split(" ");
        Path kh = Files.writeString(tmp.resolve("known_hosts_plain"), name + " " + key[0] + " " + key[1] + "\n");
        Target known = new Target("cert", cluster.get("CERT_HOST"), cluster.port("CERT_PORT"), cluster.get("SSH_USER"),
                cluster.get("CERT_KEY"), List.of(), kh.toString(), "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transport);
        assertEquals(cluster.get("SSH_USER"), whoami(known, false));
        Files.writeString(kh, "");
        PvrunException e = assertThrows(PvrunException.class, () -> whoami(known, false));
        assertTrue(e.getMessage().startsWith("The host key of "), e.getMessage());
        assertEquals("", Files.readString(kh));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void aCertificateTheHostRefusesIsFollowedByTheKeyAlone(String transport) throws Exception {
        // the login sshd trusts no CA but has the cluster's key in authorized_keys; beside a copy of that key, a
        // certificate of it from a CA of the test's own, which that sshd refuses: the key alone must follow it
        Path key = tmp.resolve("id_ed25519");
        Files.copy(cluster.path("KEY"), key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.copy(Path.of(cluster.get("KEY") + ".pub"), tmp.resolve("id_ed25519.pub"));
        TransportContractIT.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve("ca").toString());
        TransportContractIT.run("ssh-keygen", "-q", "-s", tmp.resolve("ca").toString(), "-I", "untrusted",
                "-n", cluster.get("SSH_USER"), tmp.resolve("id_ed25519.pub").toString());
        assertTrue(Files.isRegularFile(tmp.resolve("id_ed25519-cert.pub")));
        Target t = new Target("login", cluster.get("LOGIN_HOST"), cluster.port("LOGIN_PORT"), cluster.get("SSH_USER"),
                key.toString(), List.of(), cluster.get("KNOWN_HOSTS"), "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), transport);
        Path log = cluster.path("LOGIN_LOG");
        long offset = Files.size(log);
        assertEquals(cluster.get("SSH_USER"), whoami(t, false));
        String said = TransportContractIT.readFrom(log, offset);
        assertTrue(said.matches("(?s).*Accepted publickey for " + cluster.get("SSH_USER") + " from \\S+ port \\d+ ssh2: ED25519 .*"),
                said);
    }

    @Test
    void jschUsesACertificateHeldBySshAgent() throws Exception {
        try (SshAgent agent = SshAgent.start(tmp)) {
            // ssh-add loads KEY-cert.pub beside the key as a second identity of the agent
            String added = agent.add(cluster.get("CERT_KEY"));
            assertTrue(added.contains("Certificate added"), added);
            Path kh = Files.copy(cluster.path("CERT_KNOWN_HOSTS_CA"), tmp.resolve("known_hosts"));
            SshOptions noFiles = new SshOptions(cluster.get("CERT_HOST"), cluster.port("CERT_PORT"),
                    cluster.get("SSH_USER"), List.of(), kh, List.of(), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
            long offset = Files.size(cluster.path("CERT_LOG"));
            try (SshConnection c = new SshSessionFactory(SshPrompter.none(), agent.socket().toString()).connect(noFiles)) {
                assertTrue(c.isConnected());
            }
            String log = logFrom(offset);
            assertTrue(log.contains("Accepted publickey for " + cluster.get("SSH_USER")) && log.contains("ED25519-CERT"), log);
        }
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
