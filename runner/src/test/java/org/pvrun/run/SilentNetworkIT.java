package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;

/**
 * Networks that fail silently: the link to the test cluster's jump host drops every packet, both ways, without
 * a FIN or RST, as a dead router or a firewall does: the jump host's end of the veth pair is set down inside its
 * namespace, so this end loses its carrier and sends into nothing (this machine's kernel has no netem). The
 * target's keepalive (2 s × 3) notices within its window and pvrun reconnects once the link is back; a
 * blackhole longer than PVRUN_RECONNECT ends with exit 3 and the command that completes the run, which works
 * once the link is back. Both transports.
 */
@Tag("integration")
class SilentNetworkIT {
    /** The veth pair between this namespace and the jump host's (scripts/testcluster/lib.sh). */
    static final String JUMP_END = "pvr-rj1";
    static final String JUMP_NS = "pvrun-jump";

    @org.junit.jupiter.api.io.TempDir
    Path dir;
    Path targets;

    @BeforeEach
    void setUp() throws IOException {
        String text = Files.readString(TestCluster.require().targetsFile(dir));
        // ci-jump (the inner host through the jump host, Slurm) with a short keepalive, for each transport
        int from = text.indexOf("  ci-jump:\n") + "  ci-jump:\n".length();
        String body = text.substring(from, text.indexOf("\n  ci-", from) + 1);
        text = text.replace("  ci-jump:\n", "  quiet-jsch:\n    keepalive: {interval: 2s, count: 3}\n    transport: jsch\n"
                + body + "  quiet-openssh:\n    keepalive: {interval: 2s, count: 3}\n    transport: openssh\n" + body
                + "  ci-jump:\n");
        targets = Files.writeString(dir.resolve("targets.yaml"), text);
    }

    @AfterEach
    void linkBack() throws Exception {
        link(true);
    }

    /** Every packet on the jump host's link dropped (false), or none (true). */
    static void link(boolean up) throws Exception {
        Process p = new ProcessBuilder("ip", "-n", JUMP_NS, "link", "set", JUMP_END, up ? "up" : "down")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "ip link set " + JUMP_END + ": " + out);
    }

    Path spec(String name, int seconds) throws IOException {
        Files.writeString(dir.resolve(name + ".py"), "import time\ntime.sleep(" + seconds + ")\nopen('done.txt', 'w').write('ok')\n");
        return Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\nscript: " + name + ".py\noutputs: [done.txt]\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"quiet-jsch", "quiet-openssh"})
    void aBlackholeIsNoticedWithinTheKeepaliveWindowAndTheRunGoesOnOnceItEnds(String target) throws Exception {
        Path out = dir.resolve("runner.out");
        Map<String, String> env = Map.of("PVRUN_STATE", dir.resolve("state").toString(), "PVRUN_RECONNECT", "3m");
        Process p = FaultsIT.pvrun(out, env, "run", spec("quiet", 25).toString(), "-t", target, "--targets",
                targets.toString(), "-o", dir.resolve("results").toString());
        FaultsIT.waitUntil("the job to run", 120, () -> FaultsIT.read(out).contains(" 1 running"));
        long down = System.nanoTime();
        link(false);
        FaultsIT.waitUntil("the dead connection to be noticed", 60, () -> FaultsIT.read(out).contains("lost the connection"));
        long noticed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - down);
        Thread.sleep(8000); // still dark: the reconnection attempts time out
        link(true);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), FaultsIT.read(out));
        String said = FaultsIT.read(out);
        assertEquals(0, p.exitValue(), said);
        // 2 s × 3 probes, and the poll that was waiting for an answer: well under OpenSSH's default of 90 s (7 s
        // with JSch, 9 with OpenSSH; JSch took 20 s, its whole channel-open timeout, before its channels were
        // opened without one: SshSessions.CHANNEL_OPEN)
        assertTrue(noticed <= 15, "noticed after " + noticed + " s:\n" + said);
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/quiet"));
        FaultsIT.assertDoneByOneJob(run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"quiet-jsch", "quiet-openssh"})
    void aBlackholeLongerThanTheBudgetExits3AndFetchCompletesTheRunLater(String target) throws Exception {
        Path out = dir.resolve("runner.out");
        Map<String, String> env = Map.of("PVRUN_STATE", dir.resolve("state").toString(), "PVRUN_RECONNECT", "10s");
        Process p = FaultsIT.pvrun(out, env, "run", spec("dark", 10).toString(), "-t", target, "--targets",
                targets.toString(), "-o", dir.resolve("results").toString());
        FaultsIT.waitUntil("the job to run", 120, () -> FaultsIT.read(out).contains(" 1 running"));
        link(false);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), FaultsIT.read(out));
        String said = FaultsIT.read(out);
        assertEquals(3, p.exitValue(), said);
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/dark"));
        String runId = run.getFileName().toString();
        assertTrue(said.contains("pvrun fetch " + runId), said);
        assertFalse(Files.exists(run.resolve("manifest.json")), "a manifest for an unfinished run");
        link(true);
        Cli.Result f = Cli.run(env, "fetch", runId, "--json");
        assertEquals(0, f.exitCode(), f.toString());
        JsonNode m = ManifestIO.JSON.readTree(f.out());
        assertEquals("succeeded", m.get("status").asText());
        FaultsIT.assertDoneByOneJob(run);
    }
}
