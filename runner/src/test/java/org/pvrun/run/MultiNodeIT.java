package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

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
        Map<String, Long> perHost = runAndCheck(Repo.pipeline("multinode.yaml"), target, 2);
        assertEquals(Map.of("node1", 1L, "node2", 1L), perHost);
    }

    @org.junit.jupiter.api.Test
    void fourRanksTwoOnEachNode() throws IOException {
        Path spec = Files.writeString(dir.resolve("multinode4.yaml"), Files.readString(Repo.pipeline("multinode.yaml"))
                .replace("ranks: 2", "ranks: 4")
                .replace("script: ../samples/", "script: " + Repo.pipeline("multinode.yaml").getParent().resolve("../samples/")
                        .normalize() + "/"));
        assertEquals(Map.of("node1", 2L, "node2", 2L), runAndCheck(spec, "ci-slurm-2nodes", 4));
    }

    /** Runs the multi-node pipeline; checks that its ranks formed one world and each wrote its file; ranks per host. */
    Map<String, Long> runAndCheck(Path spec, String target, int ranks) throws IOException {
        Cli.Result r = Cli.run("run", spec.toString(), "-t", target, "--targets", targets.toString(),
                "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path task = Path.of(m.get("run_dir").asText()).resolve("tasks/0000");
        JsonNode hosts = ManifestIO.JSON.readTree(task.resolve("hosts.json").toFile());
        // one MPI world (independent copies would each be "rank 0 of 1")
        assertEquals(ranks, hosts.get("ranks").asInt(), hosts.toString());
        int sum = 0;
        for (int rank = 0; rank < ranks; rank++) {
            int points = hosts.get("points_per_rank").get(String.valueOf(rank)).asInt();
            // each rank owns a piece of the grid, not all of it
            assertTrue(points > 0 && points < hosts.get("grid_points").asInt(), hosts.toString());
            sum += points;
            // written by that rank itself, on its node, and collected
            String line = Files.readString(task.resolve("rank-" + rank + ".txt")).strip();
            assertTrue(line.startsWith("rank " + rank + " of " + ranks + " on "
                    + hosts.get("hosts").get(String.valueOf(rank)).asText()), line);
        }
        // the reduction over all ranks saw every piece
        assertEquals(sum, hosts.get("total_points").asInt(), hosts.toString());
        assertEquals(ranks + 1, m.get("tasks").get(0).get("outputs").size(), m.get("tasks").get(0).toString());
        // the manifest lists both nodes of the allocation
        assertEquals("[\"node1\",\"node2\"]", m.get("nodes").toString());
        Map<String, Long> perHost = new TreeMap<>();
        hosts.get("hosts").forEach(h -> perHost.merge(h.asText(), 1L, Long::sum));
        return perHost;
    }

    /**
     * A packed sweep as an array on the two nodes: 8 tasks, 2 to a job, 4 one-rank jobs submitted at once fill
     * the two nodes' four CPUs, so Slurm places two on each. Every task is collected, and the manifest's
     * {@code nodes} lists both.
     */
    @org.junit.jupiter.api.Test
    void aPackedSweepSpreadsOverBothNodes() throws IOException {
        Files.writeString(dir.resolve("spread.py"), "import socket, time, pvrun\n"
                + "open('host.txt', 'w').write(socket.gethostname() + ' ' + str(pvrun.params['i']))\ntime.sleep(4)\n");
        Files.writeString(dir.resolve("spread.yaml"), "name: spread\nscript: spread.py\noutputs: [host.txt]\n"
                + "sweep: {i: [0, 1, 2, 3, 4, 5, 6, 7]}\ntasks_per_job: 2\n");
        Cli.Result r = Cli.run("run", dir.resolve("spread.yaml").toString(), "-t", "ci-slurm-2nodes", "--targets",
                targets.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("[\"node1\",\"node2\"]", m.get("nodes").toString());
        Map<String, Long> perHost = new TreeMap<>();
        for (int i = 0; i < 8; i++) {
            String[] said = Files.readString(Path.of(m.get("run_dir").asText()).resolve(String.format("tasks/%04d/host.txt", i)))
                    .split(" ");
            assertEquals(Integer.toString(i), said[1], "task " + i + " ran with its own parameter");
            perHost.merge(said[0], 1L, Long::sum);
        }
        assertEquals(Map.of("node1", 4L, "node2", 4L), perHost, "two jobs of two tasks on each node");
    }

    /**
     * A node that goes down mid-job: every process of node2's namespace (its slurmd, the job's step, pvbatch)
     * is killed, as a power cut would. Slurm declares the job NODE_FAIL once the node stops answering
     * (SlurmdTimeout 30 s on the test cluster); the task's attempt says so with the node's name, and
     * {@code retries: 1} runs it again on node1. The task on node1 is not touched. Afterwards node2 is started
     * again (scripts/testcluster/start).
     */
    @org.junit.jupiter.api.Test
    void aNodeThatGoesDownGivesNodeFailAndTheRetryRunsOnTheOtherNode() throws Exception {
        // two ranks fill a node's two CPUs: the two jobs go to different nodes
        Files.writeString(dir.resolve("hold.py"), "import socket, time\nopen('host.txt', 'w').write(socket.gethostname())\n"
                + "time.sleep(15)\n");
        Files.writeString(dir.resolve("hold.yaml"), "name: node-down\nscript: hold.py\noutputs: [host.txt]\nranks: 2\n"
                + "sweep: {i: [0, 1]}\ntasks_per_job: 1\nretries: 1\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("hold.yaml").toString(), "-t", "ci-slurm-2nodes", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            Path onNode2 = null;
            while (onNode2 == null) {
                assertTrue(System.nanoTime() < deadline, "the tasks did not start on both nodes:\n" + Files.readString(dir.resolve("out.txt")));
                Thread.sleep(300);
                if (!Files.isDirectory(dir.resolve("results/node-down"))
                        || !Files.exists(LocalPipelinesIT.onlyRun(dir.resolve("results/node-down")).resolve(RunRecord.FILE))) {
                    continue; // not recorded yet
                }
                String remote = RunRecord.read(LocalPipelinesIT.onlyRun(dir.resolve("results/node-down"))).remoteDir();
                for (String t : java.util.List.of("0000", "0001")) {
                    Path host = Path.of(remote, "tasks", t, "host.txt");
                    if (Files.exists(host) && Files.readString(host).strip().equals("node2")) {
                        onNode2 = host;
                    }
                }
            }
            String task = onNode2.getParent().getFileName().toString();
            String pids = ClusterPipelinesIT.exec("ip", "netns", "pids", "pvrun-node2").strip();
            assertTrue(!pids.isEmpty(), "nothing runs on node2");
            java.util.List<String> kill = new java.util.ArrayList<>(java.util.List.of("kill", "-9"));
            kill.addAll(java.util.List.of(pids.split("\\s+")));
            new ProcessBuilder(kill).start().waitFor();

            assertTrue(p.waitFor(240, java.util.concurrent.TimeUnit.SECONDS), Files.readString(dir.resolve("out.txt")));
            String said = Files.readString(dir.resolve("out.txt"));
            assertEquals(0, p.exitValue(), said);
            Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/node-down"));
            JsonNode m = ManifestIO.JSON.readTree(run.resolve("manifest.json").toFile());
            JsonNode retried = m.get("tasks").get(Integer.parseInt(task));
            assertEquals("succeeded", retried.get("status").asText(), retried.toString());
            assertEquals(2, retried.get("attempts").size(), retried.toString());
            assertTrue(retried.get("attempts").get(0).toString().contains("NODE_FAIL on node2"), retried.toString());
            assertEquals("node1", Files.readString(run.resolve("tasks/" + task + "/host.txt")).strip(), "the retry ran on node1");
            JsonNode other = m.get("tasks").get(1 - Integer.parseInt(task));
            assertEquals(1, other.get("attempts").size(), other.toString());
            assertEquals("node1", Files.readString(run.resolve(String.format("tasks/%04d/host.txt",
                    other.get("index").asInt()))).strip(), "the other task ran on node1, once");
        } finally {
            p.destroyForcibly();
            Process start = new ProcessBuilder(Repo.root().resolve("scripts/testcluster/start").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("start.txt").toFile()).start();
            assertTrue(start.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, start.exitValue(), Files.readString(dir.resolve("start.txt")));
        }
    }
}
