package org.pvrun.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.spec.Target;
import org.pvrun.testing.SshAgent;
import org.pvrun.transport.Transport;
import org.pvrun.transport.TransportContractIT;
import org.pvrun.connect.Transports;

/**
 * The built-in JSch transport: the shared contract ({@link TransportContractIT}), plus what only it does itself
 * (known_hosts parsing, fingerprints, key passphrases, ssh-agent, its own ssh_config reader).
 */
@Tag("integration")
class SshTransportIT extends TransportContractIT {

    @Override
    protected Transport open(Target target, boolean acceptNewHostKey, Map<String, String> env) {
        return new SshTransport(Transports.sshOptions(target, acceptNewHostKey, env),
                new SshSessionFactory(SshPrompter.none(), null));
    }

    @Override
    protected String transportName() {
        return "jsch";
    }

    // ---------------------------------------------------------------- host keys

    @Test
    void unknownHostKeyIsRefusedWithItsFingerprint() throws Exception {
        Path empty = Files.createFile(tmp.resolve("known_hosts"));
        SshOptions options = cluster.login().withKnownHosts(empty);
        PvrunException e = assertThrows(PvrunException.class, () -> connect(options).close());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        String fingerprint = opensshFingerprint(cluster.path("KNOWN_HOSTS"), cluster.loginKnownHostsName());
        assertTrue(e.getMessage().contains(fingerprint), e.getMessage());
        assertTrue(e.getMessage().contains("ssh-ed25519"), e.getMessage());
        assertTrue(e.getMessage().contains(cluster.loginKnownHostsName()), e.getMessage());
        assertTrue(e.getMessage().contains("--accept-new-host-key"), e.getMessage());
        assertTrue(e.getMessage().contains("ssh-keyscan"), e.getMessage());
        assertEquals(0, Files.size(empty), "nothing added without accept-new");
    }

    @Test
    void hashedKnownHostsEntriesAreUnderstood() throws Exception {
        Path file = tmp.resolve("known_hosts");
        Files.copy(cluster.path("KNOWN_HOSTS"), file);
        run("ssh-keygen", "-q", "-H", "-f", file.toString());
        String content = Files.readString(file);
        assertTrue(content.startsWith("|1|") && !content.contains(cluster.get("LOGIN_HOST")), content);
        connect(cluster.login().withKnownHosts(file)).close();
    }

    // ---------------------------------------------------------------- jump host and ssh_config

    @Test
    void unreachableTargetBehindTheJumpHostNamesTheJumpHost() {
        SshOptions options = cluster.innerViaJump().withPort(1); // nothing listens there
        PvrunException e = assertThrows(PvrunException.class, () -> connect(options).close());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains("Jump host") && e.getMessage().contains(":1"), e.getMessage());
    }

    @Test
    void sshConfigAliasWithProxyJumpIsParsed() {
        SshOptions options = SshOptions.fromSshConfig("pvci-inner", cluster.path("SSH_CONFIG"));
        assertEquals(cluster.get("INNER_HOST"), options.host());
        assertEquals(1, options.jumpHosts().size(), options.toString());
    }

    // ---------------------------------------------------------------- authentication

    @Test
    void encryptedKeyAsksForItsPassphraseOnce() throws Exception {
        List<String> prompts = new ArrayList<>();
        String passphrase = cluster.get("KEY_ENC_PASSPHRASE");
        SshPrompter prompter = new SshPrompter() {
            @Override
            public String ask(String prompt, boolean echo) {
                prompts.add(prompt + (echo ? " (echo)" : ""));
                return passphrase;
            }

            @Override
            public void show(String message) {}
        };
        SshOptions options = cluster.login().withIdentityFiles(List.of(cluster.path("KEY_ENC")));
        try (SshConnection c = new SshSessionFactory(prompter, null).connect(options)) {
            assertTrue(c.isConnected());
        }
        assertEquals(1, prompts.size(), prompts.toString());
        assertTrue(prompts.get(0).contains(cluster.get("KEY_ENC")) && !prompts.get(0).contains("(echo)"), prompts.get(0));
    }

    @Test
    void encryptedKeyWithoutATerminalIsAClearError() {
        SshOptions options = cluster.login().withIdentityFiles(List.of(cluster.path("KEY_ENC")));
        PvrunException e = assertThrows(PvrunException.class,
                () -> new SshSessionFactory(SshPrompter.none(), null).connect(options).close());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains("passphrase") && e.getMessage().contains(cluster.get("KEY_ENC")), e.getMessage());
        assertTrue(e.getMessage().contains("terminal"), e.getMessage());
    }

    @Test
    void wrongPassphraseEndsInALoginFailureThatNeverShowsIt() {
        SshPrompter wrong = new SshPrompter() {
            @Override
            public String ask(String prompt, boolean echo) {
                return "not-the-passphrase-XYZ";
            }

            @Override
            public void show(String message) {}
        };
        SshOptions options = cluster.login().withIdentityFiles(List.of(cluster.path("KEY_ENC")));
        PvrunException e = assertThrows(PvrunException.class, () -> new SshSessionFactory(wrong, null).connect(options).close());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("Could not log in"), e.getMessage());
        assertFalse(e.getMessage().contains("XYZ"));
    }

    @Test
    void keyWithoutAuthorizationIsALoginFailure() throws Exception {
        Path stranger = tmp.resolve("stranger");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        PvrunException e = assertThrows(PvrunException.class,
                () -> connect(cluster.login().withIdentityFiles(List.of(stranger))).close());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("Could not log in to " + cluster.get("SSH_USER") + "@"), e.getMessage());
        assertTrue(e.getMessage().contains(stranger.toString()), e.getMessage());
    }

    @Test
    void sshAgentKeysAreUsed() throws Exception {
        try (SshAgent agent = SshAgent.start(tmp)) {
            Path socket = agent.socket();
            agent.add(cluster.get("KEY"));
            SshOptions noFiles = cluster.login().withIdentityFiles(List.of());
            try (SshConnection c = new SshSessionFactory(SshPrompter.none(), socket.toString()).connect(noFiles)) {
                assertTrue(c.isConnected());
            }
            // without the agent the same options cannot log in, so it was the agent's key
            assertThrows(PvrunException.class, () -> connect(noFiles).close());

            // The agent now holds six keys the server does not know, then the decrypted encrypted key. Offered in the
            // agent's order, the strangers would use up the server's MaxAuthTries (6); the configured identity file's
            // copy in the agent goes first, so this logs in, and without asking for the passphrase.
            agent.add("-D");
            for (int i = 0; i < 6; i++) {
                Path stranger = tmp.resolve("stranger" + i);
                run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
                agent.add(stranger.toString());
            }
            Path askpass = tmp.resolve("askpass.sh");
            Files.writeString(askpass, "#!/bin/sh\necho '" + cluster.get("KEY_ENC_PASSPHRASE") + "'\n");
            askpass.toFile().setExecutable(true);
            agent.add("SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", cluster.get("KEY_ENC"));
            SshOptions encrypted = cluster.login().withIdentityFiles(List.of(cluster.path("KEY_ENC")));
            try (SshConnection c = new SshSessionFactory(SshPrompter.none(), socket.toString()).connect(encrypted)) {
                assertTrue(c.isConnected());
            }
        }
    }

    private static SshConnection connect(SshOptions options) {
        return new SshSessionFactory(SshPrompter.none(), null).connect(options);
    }
}
