package org.pvrun.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;
import org.pvrun.transport.openssh.OpenSshForwarding;
import org.pvrun.transport.ssh.SshTransport;
import org.pvrun.transport.LocalTransport;

/**
 * The one connection set-up every command uses: what each kind of target gets, without connecting (nothing here
 * reaches a host: the hosts are under .invalid).
 */
class TransportsTest {
    @TempDir
    Path dir;

    Map<String, String> env() throws IOException {
        return Map.of("PVRUN_SSH_CONFIG", Files.writeString(dir.resolve("ssh_config"), "").toString());
    }

    static Target remote(String transport, String workdir) {
        return new Target("hopper", "login.hopper.invalid", 2222, "jdoe", null, List.of("jdoe@bastion.invalid"), null,
                "slurm", workdir, List.of(), "srun", "pvbatch", Display.AUTO, Duration.ofSeconds(10), Map.of(), Map.of(),
                transport);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jsch, ssh jdoe@login.hopper.invalid:2222 via jdoe@bastion.invalid:22",
        "openssh, openssh jdoe@login.hopper.invalid:2222 via jdoe@bastion.invalid"})
    void aRemoteTargetReconnectsAndForwardsThroughItsOwnTransport(String transport, String described) throws IOException {
        try (Connection c = Transports.connect(remote(transport, null), false, env(), new PrintStream(PrintStream.nullOutputStream()))) {
            assertTrue(c.transport() instanceof Reconnecting, c.transport().getClass().getName());
            assertEquals(described, c.transport().describe());
            Class<?> forwarding = transport.equals("openssh") ? OpenSshForwarding.class : SshTransport.class;
            assertTrue(forwarding.isInstance(c.forwarding()), String.valueOf(c.forwarding()));
            assertEquals(described.substring(described.indexOf(' ') + 1), Transports.describeHost(c.target(), env()));
        }
    }

    @Test
    void thisMachineNeedsNoForwardsAndNoReconnection() throws Exception {
        try (Connection c = Transports.connect(Target.local(), false, Map.of(Reconnecting.ENV, "bogus"), System.err)) {
            assertTrue(c.transport() instanceof LocalTransport, c.transport().getClass().getName());
            assertNull(c.forwarding());
            // the default workdir, ~/pvrun, is asked of the target's shell: here, this process's HOME
            assertEquals(System.getenv("HOME").replaceAll("/$", "") + "/pvrun", c.workdir());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jsch", "openssh"})
    void aBadReconnectBudgetIsRefusedBeforeConnecting(String transport) {
        PvrunException e = assertThrows(PvrunException.class, () -> Transports.connect(remote(transport, null), false,
                Map.of(Reconnecting.ENV, "soon"), System.err));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith(Reconnecting.ENV + ": "), e.getMessage());
    }

    @Test
    void anAbsoluteWorkdirIsTakenAsItIsWithoutItsTrailingSlash() throws Exception {
        // no command runs for it: the connection to the .invalid host is never opened
        try (Connection c = Transports.connect(remote("jsch", "/scratch/jdoe/pvrun/"), false, env(), System.err)) {
            assertEquals("/scratch/jdoe/pvrun", c.workdir());
        }
    }
}
