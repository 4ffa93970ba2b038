package org.pvrun.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;

class SshOptionsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "bastion              | bob   | bastion  | 22",
        "alice@bastion        | alice | bastion  | 22",
        "alice@bastion:2200   | alice | bastion  | 2200",
        "bastion:2200         | bob   | bastion  | 2200",
        "ssh://a@b.example:23 | a     | b.example| 23",
        "[fe80::1]:2222       | bob   | fe80::1  | 2222",
        "me@[::1]             | me    | ::1      | 22",
    })
    void parsesJumpHosts(String spec, String user, String host, int port) {
        assertEquals(new SshOptions.Hop(user, host, port), SshOptions.Hop.parse(spec, "bob"));
    }

    @Test
    void refusesMalformedJumpHosts() {
        for (String bad : List.of("", "@host", "host:port", "host:99999", "[::1")) {
            PvrunException e = assertThrows(PvrunException.class, () -> SshOptions.Hop.parse(bad, "u"), bad);
            assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        }
    }

    @Test
    void routeAndDescription() {
        SshOptions o = SshOptions.of("hopper").withUser("jdoe").withJumpHosts(List.of("bastion", "x@inner:2022"));
        assertEquals(List.of(new SshOptions.Hop("jdoe", "bastion", 22), new SshOptions.Hop("x", "inner", 2022),
                new SshOptions.Hop("jdoe", "hopper", 22)), o.route());
        assertEquals("jdoe@hopper:22 via jdoe@bastion:22, x@inner:2022", o.describe());
    }

    @Test
    void resolvesAnAliasFromAnSshConfig() throws Exception {
        Path config = tmp.resolve("config");
        Files.writeString(config, String.join("\n",
                "Host hpc",
                "    HostName login.hpc.example",
                "    User jdoe",
                "    Port 2201",
                "    IdentityFile ~/.ssh/hpc_%r_key",
                "    ProxyJump gate,other@second:2022",
                "    UserKnownHostsFile " + tmp.resolve("kh"),
                "    StrictHostKeyChecking accept-new",
                "    ConnectTimeout 7",
                "    ServerAliveInterval 15",
                "Host gate",
                "    HostName gate.example",
                "    User gateuser",
                "    Port 2022",
                "    IdentityFile /keys/gate",
                "Host *",
                "    IdentityFile /keys/common",
                ""));
        SshOptions o = SshOptions.fromSshConfig("hpc", config);
        assertEquals("login.hpc.example", o.host());
        assertEquals(2201, o.port());
        assertEquals("jdoe", o.user());
        assertEquals(List.of(Path.of(System.getProperty("user.home"), ".ssh/hpc_jdoe_key"), Path.of("/keys/common"),
                Path.of("/keys/gate")), o.identityFiles());
        assertEquals(List.of("gateuser@gate.example:2022", "other@second:2022"), o.jumpHosts());
        assertEquals(tmp.resolve("kh"), o.knownHosts());
        assertTrue(o.acceptNewHostKey());
        assertEquals(Duration.ofSeconds(7), o.connectTimeout());
        assertEquals(Duration.ofSeconds(15), o.keepAliveInterval());
    }

    @Test
    void unknownAliasAndMissingConfigMeanOpenSshDefaults() {
        SshOptions o = SshOptions.fromSshConfig("plain.example", tmp.resolve("no-such-config"));
        assertEquals("plain.example", o.host());
        assertEquals(22, o.port());
        assertEquals(System.getProperty("user.name"), o.user());
        assertEquals(List.of(), o.jumpHosts());
        assertFalse(o.acceptNewHostKey());
        assertEquals(Path.of(System.getProperty("user.home"), ".ssh/known_hosts"), o.knownHosts());
    }

    @Test
    void proxyCommandIsRefusedWithAHint() throws Exception {
        Path config = Files.writeString(tmp.resolve("config"), "Host old\n  ProxyCommand ssh -W %h:%p gate\n");
        PvrunException e = assertThrows(PvrunException.class, () -> SshOptions.fromSshConfig("old", config));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().contains("ProxyJump"), e.getMessage());
    }

    @Test
    void fingerprintMatchesOpenSsh() throws Exception {
        Path key = tmp.resolve("k");
        Process gen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start();
        assertEquals(0, gen.waitFor());
        byte[] blob = Base64.getDecoder().decode(Files.readString(Path.of(key + ".pub")).split(" ")[1]);
        Process fp = new ProcessBuilder("ssh-keygen", "-l", "-f", key + ".pub").start();
        String expected = new String(fp.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];
        assertEquals(0, fp.waitFor());
        assertEquals(expected, HostKeyVerifier.fingerprint(blob));
        assertEquals("ssh-ed25519", HostKeyVerifier.keyType(blob));
    }
}
