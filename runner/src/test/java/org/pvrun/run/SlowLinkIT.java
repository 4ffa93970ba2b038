package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.util.Hashes;
import org.pvrun.testing.TestCluster;

/**
 * A slow, lossy link: both ends of the veth pair to the test cluster's jump host are shaped by the kernel's
 * token bucket filter to a few Mbit/s with a queue of a few packets, so TCP's bursts overflow it and packets are
 * dropped (tail drop, as on a congested link) and queued (delay). This machine's kernel has neither netem nor
 * the gact action, so random loss and a fixed delay cannot be set; the drops are counted from the qdisc's own
 * statistics, and the test fails if there were none. A staged input and a large fetch through the jump host,
 * into Slurm on the inner host, complete and verify, for both transports.
 */
@Tag("integration")
class SlowLinkIT {
    static final String ROOT_END = "pvr-rj0";
    static final String JUMP_END = SilentNetworkIT.JUMP_END;
    static final String JUMP_NS = SilentNetworkIT.JUMP_NS;
    static final String SHAPE = "rate 24mbit burst 16kb limit 30kb";

    @TempDir
    Path dir;
    TestCluster cluster;
    Path targets;
    final List<String> sentInputs = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        cluster = TestCluster.require();
        String text = Files.readString(cluster.targetsFile(dir));
        // ci-jump (the inner host through the jump host, Slurm), once for each transport
        int from = text.indexOf("  ci-jump:\n") + "  ci-jump:\n".length();
        String body = text.substring(from, text.indexOf("\n  ci-", from) + 1);
        text = text.replace("  ci-jump:\n", "  slow-jsch:\n    transport: jsch\n" + body
                + "  slow-openssh:\n    transport: openssh\n" + body + "  ci-jump:\n");
        targets = Files.writeString(dir.resolve("targets.yaml"), text);
        shape(true);
    }

    @AfterEach
    void unshape() throws Exception {
        shape(false);
        for (String hash : sentInputs) {
            Files.deleteIfExists(Path.of(cluster.get("WORKDIR"), Engine.CACHE, hash));
        }
    }

    static void shape(boolean on) throws Exception {
        for (String[] end : new String[][] {{"", ROOT_END}, {JUMP_NS, JUMP_END}}) {
            List<String> cmd = new ArrayList<>(end[0].isEmpty() ? List.of("tc") : List.of("ip", "netns", "exec", end[0], "tc"));
            cmd.addAll(on ? List.of("qdisc", "replace", "dev", end[1], "root", "tbf") : List.of("qdisc", "del", "dev", end[1], "root"));
            if (on) {
                cmd.addAll(List.of(SHAPE.split(" ")));
            }
            String out = exec(cmd);
            if (on && !out.startsWith("ok")) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
            }
        }
    }

    /** Packets the two shapers dropped so far. */
    static long dropped() throws Exception {
        long n = 0;
        Pattern p = Pattern.compile("dropped (\\d+)");
        for (String out : List.of(exec(List.of("tc", "-s", "qdisc", "show", "dev", ROOT_END)),
                exec(List.of("ip", "netns", "exec", JUMP_NS, "tc", "-s", "qdisc", "show", "dev", JUMP_END)))) {
            Matcher m = p.matcher(out);
            if (m.find()) {
                n += Long.parseLong(m.group(1));
            }
        }
        return n;
    }

    static String exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return (p.exitValue() == 0 ? "ok\n" : "exit " + p.exitValue() + "\n") + out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsch", "openssh"})
    void aStagedRunAndALargeFetchCompleteVerifiedThroughASlowLossyLink(String transport) throws Exception {
        byte[] input = FaultsIT.randomBytes(2 << 20);
        Files.write(dir.resolve("blob.bin"), input);
        sentInputs.add(Hashes.sha256(dir.resolve("blob.bin")));
        Files.writeString(dir.resolve("slow.py"), "import os, shutil\nshutil.copyfile('blob.bin', 'copy.bin')\n"
                + "open('big.bin', 'wb').write(os.urandom(8 << 20))\n");
        Path spec = Files.writeString(dir.resolve("slow.yaml"),
                "name: slow\nscript: slow.py\ninputs: [blob.bin]\noutputs: [copy.bin, big.bin]\n");
        long before = dropped();
        long t0 = System.nanoTime();
        Path out = dir.resolve("runner.out");
        Process p = FaultsIT.pvrun(out, Map.of("PVRUN_STATE", dir.resolve("state").toString()),
                "run", spec.toString(), "-t", "slow-" + transport, "--targets", targets.toString(),
                "-o", dir.resolve("results").toString());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), FaultsIT.read(out));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long drops = dropped() - before;
        String said = FaultsIT.read(out);
        assertEquals(0, p.exitValue(), said);
        System.out.printf("slow link (%s, %s): 2 MiB staged, 10 MiB fetched in %.1f s, %d packets dropped%n",
                SHAPE, transport, seconds, drops);
        assertTrue(drops > 0, "the shaper dropped nothing: the link was not lossy\n" + said);
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/slow"));
        JsonNode m = FaultsIT.manifest(run);
        assertEquals("succeeded", m.get("status").asText());
        assertArrayEquals(input, Files.readAllBytes(run.resolve("tasks/0000/copy.bin")), "the staged input arrived changed");
        assertEquals(8 << 20, Files.size(run.resolve("tasks/0000/big.bin")));
        assertEquals(1, m.get("job_ids").size(), "submitted again: " + m.get("job_ids"));
        assertEquals(1, m.get("tasks").get(0).get("attempts").size(), m.toString());
        FaultsIT.assertComplete(run);
    }
}
