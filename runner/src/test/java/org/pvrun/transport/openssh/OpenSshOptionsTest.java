package org.pvrun.transport.openssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.connect.Transports;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;

class OpenSshOptionsTest {
    @TempDir
    Path tmp;

    private static Target target(String host, Integer port, String user, String identity, List<String> jump, String knownHosts) {
        return new Target("t", host, port, user, identity, jump, knownHosts, "none", null, List.of(), "none", "pvbatch",
                Display.AUTO, Duration.ofSeconds(1), Map.of(), Map.of(), "openssh");
    }

    @Test
    void onlyWhatTheTargetSetsIsPassedOn() {
        OpenSshOptions o = Transports.openSshOptions(target("hopper", null, null, null, List.of(), null), false, Map.of());
        assertEquals("hopper", o.host());
        assertEquals(null, o.port());
        assertEquals(null, o.user());
        assertEquals(null, o.identity());
        assertEquals(null, o.knownHosts());
        assertEquals(null, o.configFile());
        assertEquals(OpenSshOptions.TreeMethod.AUTO, o.treeMethod());
        assertEquals("hopper", o.describe());

        OpenSshOptions all = Transports.openSshOptions(target("10.0.0.5", 2222, "jdoe", "/k/id", List.of("me@bastion:22", "hop2"),
                "/k/known"), true, Map.of("PVRUN_SSH_CONFIG", "/etc/pvrun-ssh"));
        assertEquals("jdoe@10.0.0.5:2222 via me@bastion:22,hop2", all.describe());
        assertEquals(Path.of("/k/id"), all.identity());
        assertEquals(Path.of("/etc/pvrun-ssh"), all.configFile());
        assertTrue(all.acceptNewHostKey());
    }

    @Test
    void namesThatSshWouldReadAsOptionsOrSplitAreRefused() {
        for (String bad : List.of("-oProxyCommand=touch /tmp/x", "two words", "a,b", "it's", "")) {
            PvrunException e = assertThrows(PvrunException.class,
                    () -> new OpenSshOptions(bad, null, null, null, List.of(), null, false, null, null));
            assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        }
        assertThrows(PvrunException.class, () -> new OpenSshOptions("h", null, "-l", null, List.of(), null, false, null, null));
        assertThrows(PvrunException.class, () -> new OpenSshOptions("h", null, null, null, List.of("-J x"), null, false, null, null));
        assertThrows(PvrunException.class, () -> new OpenSshOptions("h", 0, null, null, List.of(), null, false, null, null));
    }

    @Test
    void theGeneratedConfigPutsPvrunsSettingsFirstAndThenIncludesTheUsersFile() throws Exception {
        Path user = Files.writeString(tmp.resolve("my config"), "Host x\n");
        OpenSshOptions o = new OpenSshOptions("h", null, null, Path.of("/keys/id %h"), List.of(), Path.of("/kh/known \"q\""), true,
                user, null);
        String text = new OpenSshTransport(o).configText();
        List<String> lines = text.lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals("StrictHostKeyChecking accept-new", lines.get(0));
        assertEquals("UserKnownHostsFile \"/kh/known \\\"q\\\"\"", lines.get(1));
        assertEquals("IdentityFile \"/keys/id %%h\"", lines.get(2), "a literal % is not an ssh token");
        assertEquals("Include \"" + user + "\"", lines.get(3));
        assertFalse(text.contains("/etc/ssh/ssh_config"), "PVRUN_SSH_CONFIG replaces the user's and the system's files");
        assertTrue(text.indexOf("ConnectTimeout") > text.indexOf("Include"), "defaults come last, so the user's win");

        String strict = new OpenSshTransport(new OpenSshOptions("h", null, null, null, List.of(), null, false, null, null))
                .configText();
        assertTrue(strict.contains("StrictHostKeyChecking yes\n"), strict);
        assertFalse(strict.contains("UserKnownHostsFile") || strict.contains("IdentityFile"), strict);
    }
}
