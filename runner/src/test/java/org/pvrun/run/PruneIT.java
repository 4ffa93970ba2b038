package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;

/**
 * {@code pvrun prune} of runs made on a real SSH target (ci-ssh, real pvbatch on the login host): the run
 * directories on the target go with the local results, or alone with {@code --remote-only}. The login host is
 * this machine, so the test looks at the target's folders directly.
 */
@Tag("integration")
class PruneIT {
    @TempDir
    Path dir;

    @Test
    void pruneRemovesTheRunDirectoriesOnTheTargetToo() throws IOException {
        TestCluster cluster = TestCluster.require();
        Path targets = cluster.targetsFile(dir);
        Map<String, String> env = Map.of("PVRUN_STATE", dir.resolve("state").toString());
        Files.writeString(dir.resolve("s.py"), "open('out.txt', 'w').write('x')\n");
        Files.writeString(dir.resolve("prune.yaml"), "name: prune-it\nscript: s.py\noutputs: [\"*.txt\"]\n");
        List<Path> local = new ArrayList<>();
        List<Path> remote = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Cli.Result r = Cli.run(env, "run", dir.resolve("prune.yaml").toString(), "-t", "ci-ssh", "--targets",
                    targets.toString(), "-o", dir.resolve("results").toString(), "--json");
            assertEquals(0, r.exitCode(), r.toString());
            JsonNode m = ManifestIO.JSON.readTree(r.out());
            local.add(Path.of(m.get("run_dir").asText()));
            remote.add(Path.of(m.get("remote_dir").asText()));
            assertTrue(Files.isDirectory(remote.get(i)), "the run's directory is on the target: " + remote.get(i));
        }

        Cli.Result dry = Cli.run(env, "prune", "--keep", "1", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("would remove " + local.get(0) + " (") && dry.out().contains(" and ci-ssh:" + remote.get(0)),
                dry.out());
        assertTrue(Files.isDirectory(remote.get(0)), "a dry run removes nothing");

        Cli.Result keep1 = Cli.run(env, "prune", "--keep", "1");
        assertEquals(0, keep1.exitCode(), keep1.toString());
        assertFalse(Files.exists(local.get(0)), keep1.out());
        assertFalse(Files.exists(remote.get(0)), keep1.out());
        assertTrue(Files.isDirectory(local.get(1)) && Files.isDirectory(remote.get(1)));

        Cli.Result remoteOnly = Cli.run(env, "prune", "--keep", "0", "--remote-only");
        assertEquals(0, remoteOnly.exitCode(), remoteOnly.toString());
        assertFalse(Files.exists(remote.get(1)), remoteOnly.out());
        assertTrue(Files.isRegularFile(local.get(1).resolve("manifest.json")), "--remote-only keeps the results here");
        assertTrue(Files.isDirectory(remote.get(1).getParent()), "only the run's own directory goes, not its pipeline's");
    }
}
