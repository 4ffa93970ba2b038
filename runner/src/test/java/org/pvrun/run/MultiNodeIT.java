package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;

/**
 * pvbatch ranks on two Slurm nodes of the test cluster (node1 and node2: each a slurmd in a network and UTS
 * namespace of its own, so each has its own address and host name), started by OpenMPI's mpiexec inside the
 * allocation and by srun (PMIx). Each rank writes its own line, so the ranks' host names come from the ranks.
 */
@Tag("integration")
class MultiNodeIT {
    @TempDir
    Path dir;
    TestCluster cluster;
    Path targets;

    @BeforeEach
    void setUp() throws IOException {
        cluster = TestCluster.require();
        targets = cluster.targetsFile(dir);
        // the same target, ranks started by srun instead of mpiexec
        Files.writeString(targets, Files.readString(targets).replace("  ci-slurm-2nodes:\n",
                "  ci-slurm-2nodes-srun:\n    launcher: srun\n" + targetBody(Files.readString(targets)) + "  ci-slurm-2nodes:\n"));
    }

    /** The lines of ci-slurm-2nodes' entry, to repeat under another name. */
    private static String targetBody(String text) {
        int from = text.indexOf("  ci-slurm-2nodes:\n") + "  ci-slurm-2nodes:\n".length();
        int to = text.indexOf("\n  ci-", from);
        return text.substring(from, to + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ci-slurm-2nodes", "ci-slurm-2nodes-srun"})
    void twoRanksOnTwoNodesCooperate(String target) throws IOException {
        Cli.Result r = Cli.run("run", Repo.pipeline("multinode.yaml").toString(), "-t", target, "--targets",
                targets.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path task = Path.of(m.get("run_dir").asText()).resolve("tasks/0000");
        JsonNode hosts = ManifestIO.JSON.readTree(task.resolve("hosts.json").toFile());
        // one MPI world of two ranks (two independent copies would each be "rank 0 of 1")
        assertEquals(2, hosts.get("ranks").asInt(), hosts.toString());
        String host0 = hosts.get("hosts").get("0").asText();
        String host1 = hosts.get("hosts").get("1").asText();
        assertNotEquals(host0, host1, "both ranks ran on one host: " + hosts);
        assertEquals(List.of("node1", "node2"), List.of(host0, host1).stream().sorted().toList(), hosts.toString());
        // each rank owns a piece, and the reduction over the ranks sees both pieces
        int p0 = hosts.get("points_per_rank").get("0").asInt();
        int p1 = hosts.get("points_per_rank").get("1").asInt();
        assertTrue(p0 > 0 && p1 > 0 && p0 < hosts.get("grid_points").asInt(), hosts.toString());
        assertEquals(p0 + p1, hosts.get("total_points").asInt(), hosts.toString());
        // the files written by the rank on the other node were collected too
        for (int rank = 0; rank < 2; rank++) {
            String line = Files.readString(task.resolve("rank-" + rank + ".txt")).strip();
            assertTrue(line.startsWith("rank " + rank + " of 2 on " + hosts.get("hosts").get(String.valueOf(rank)).asText()),
                    line);
        }
        assertEquals(3, m.get("tasks").get(0).get("outputs").size(), m.get("tasks").get(0).toString());
        // the manifest lists both nodes of the allocation
        assertEquals("[\"node1\",\"node2\"]", m.get("nodes").toString());
    }
}
