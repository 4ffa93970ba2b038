package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;

/**
 * Pipelines run for real through the test cluster (scripts/testcluster/start): OpenSSH sshd on loopback,
 * a jump host in front of an inner host in network namespaces, single-node Slurm, pvbatch under MPI.
 */
@Tag("integration")
class ClusterPipelinesIT {
    @TempDir
    Path dir;
    TestCluster cluster;
    Path targets;

    @BeforeEach
    void setUp() throws IOException {
        cluster = TestCluster.require();
        targets = cluster.targetsFile(dir);
    }

    Cli.Result run(String pipeline, String target, String... more) {
        List<String> args = new ArrayList<>(List.of("run", Repo.pipeline(pipeline).toString(), "-t", target,
                "--targets", targets.toString(), "-o", dir.resolve("results").toString(), "--json"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void twoRanksThroughSshAndSlurm() throws IOException, InterruptedException {
        Cli.Result r = run("parallel.yaml", "ci-slurm");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertEquals("slurm", m.get("scheduler").asText());
        assertTrue(m.get("transport").asText().startsWith("ssh pvci@127.0.0.1:2222"), m.get("transport").asText());
        assertTrue(m.get("remote_dir").asText().startsWith(cluster.get("WORKDIR") + "/parallel-ranks/"));
        assertEquals(cluster.get("SLURM_NODE"), m.get("nodes").get(0).asText());
        String jobId = m.get("job_ids").get(0).asText();
        // the job really went through Slurm, as the test user, and Slurm saw it complete
        // pvrun collects at the last task's verdict; the job itself ends a moment later, once pvbatch has torn down
        String show = exec("scontrol", "show", "job", jobId);
        for (int i = 0; i < 60 && !show.contains("JobState=COMPLETED"); i++) {
            Thread.sleep(500);
            show = exec("scontrol", "show", "job", jobId);
        }
        assertTrue(show.contains("JobState=COMPLETED"), show);
        assertTrue(show.contains("UserId=" + cluster.get("SSH_USER") + "("), show);
        assertTrue(show.contains("NumTasks=2"), show);
        // and the two ranks cooperated on the data
        JsonNode partitions = ManifestIO.JSON.readTree(runDir.resolve("tasks/0000/partitions.json").toFile());
        assertEquals(2, partitions.get("ranks").asInt(), partitions.toString());
        assertEquals("[0,1]", partitions.get("process_ids").toString());
        assertImage(runDir.resolve("tasks/0000/ranks.png"), 800, 600);
        LocalPipelinesIT.assertOutputsMatchFiles(runDir, m.get("tasks").get(0));
    }

    @Test
    void sshWithoutScheduler() throws IOException {
        Cli.Result r = run("quickstart.yaml", "ci-ssh");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("none", m.get("scheduler").asText());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertImage(runDir.resolve("tasks/0000/contour.png"), 800, 600);
        LocalPipelinesIT.assertOutputsMatchFiles(runDir, m.get("tasks").get(0));
    }

    @Test
    void localTransportWithSlurm() throws IOException {
        Cli.Result r = run("quickstart.yaml", "ci-local-slurm");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("slurm", m.get("scheduler").asText());
        assertEquals("local", m.get("transport").asText());
        assertImage(Path.of(m.get("run_dir").asText()).resolve("tasks/0000/contour.png"), 800, 600);
    }

    @Test
    void throughTheJumpHostOnly() throws IOException, InterruptedException {
        // the inner host cannot be reached directly from here ...
        Process direct = new ProcessBuilder("timeout", "3", "bash", "-c",
                "</dev/tcp/" + cluster.get("INNER_HOST") + "/" + cluster.get("INNER_PORT")).start();
        assertFalse(direct.waitFor(10, TimeUnit.SECONDS) && direct.exitValue() == 0, "inner host reachable directly");
        Path jumpLog = cluster.path("JUMP_LOG");
        long before = Files.size(jumpLog);
        // ... but pvrun gets there through the jump host, and the run works end to end
        Cli.Result r = run("extracts.yaml", "ci-jump");
        assertEquals(0, r.exitCode(), r.toString());
        String newLog = new String(Files.readAllBytes(jumpLog), StandardCharsets.UTF_8).substring((int) before);
        assertTrue(newLog.contains("direct-tcpip") && newLog.contains(cluster.get("INNER_HOST")),
                "the jump host logged no forwarded connection to the inner host:\n" + newLog);
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertTrue(m.get("transport").asText().contains(" via "), m.get("transport").asText());
        LocalPipelinesIT.assertOutputsMatchFiles(Path.of(m.get("run_dir").asText()), m.get("tasks").get(0));
    }

    @Test
    void failedTaskIsFetchedWithTheEndOfItsLog() throws IOException {
        Files.writeString(dir.resolve("boom.py"), "print('rendering')\nraise RuntimeError('no such array: Temp')\n");
        Files.writeString(dir.resolve("boom.yaml"), "name: boom\nscript: boom.py\n");
        Cli.Result r = Cli.run("run", dir.resolve("boom.yaml").toString(), "-t", "ci-slurm", "--targets",
                targets.toString(), "-o", dir.resolve("results").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("RuntimeError: no such array: Temp"), r.err());
        Path log = LocalPipelinesIT.onlyRun(dir.resolve("results/boom")).resolve("logs/0000.log");
        assertTrue(Files.readString(log).contains("rendering"), Files.readString(log));
    }

    @Test
    void inputsAlreadyOnTheTargetAreNotSentAgain() throws IOException {
        // an input no earlier run can have sent: random bytes
        byte[] data = new byte[256 * 1024];
        new java.security.SecureRandom().nextBytes(data);
        Files.write(dir.resolve("blob.bin"), data);
        Files.writeString(dir.resolve("read.py"), "import hashlib\n"
                + "open('digest.txt', 'w').write(hashlib.sha256(open('blob.bin', 'rb').read()).hexdigest())\n");
        Files.writeString(dir.resolve("read.yaml"), "name: read\nscript: read.py\ninputs: [blob.bin]\n");
        String[] args = {"run", dir.resolve("read.yaml").toString(), "-t", "ci-slurm", "--targets", targets.toString(),
            "-o", dir.resolve("results").toString()};
        Cli.Result first = Cli.run(args);
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("inputs: 1 sent, 0 already on ci-slurm"), first.out());
        Cli.Result second = Cli.run(args);
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().contains("inputs: 0 sent, 1 already on ci-slurm"), second.out());
        // the script read the very bytes we have
        try (var runs = Files.list(dir.resolve("results/read"))) {
            for (Path run : runs.toList()) {
                assertEquals(org.pvrun.util.Hashes.sha256(data), Files.readString(run.resolve("tasks/0000/digest.txt")));
            }
        }
    }

    @Test
    void ctrlCCancelsTheSlurmJob() throws Exception {
        Files.writeString(dir.resolve("slow.py"), "import time\nprint('started', flush=True)\ntime.sleep(300)\n");
        Files.writeString(dir.resolve("slow.yaml"), "name: slow\nscript: slow.py\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("slow.yaml").toString(), "-t", "ci-slurm", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String jobId = null;
        Pattern submitted = Pattern.compile("submitted slurm job (\\d+)");
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher mt = submitted.matcher(line);
            if (mt.find()) {
                jobId = mt.group(1);
            }
            if (jobId != null && line.contains(" 1 running")) {
                break;
            }
        }
        assertTrue(jobId != null, "never submitted:\n" + seen);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("cancelled job " + jobId), seen.toString());
        // the job is neither pending nor running once pvrun has returned; Slurm may still be completing it
        // (CG: signalling its processes, KillWait, epilog) for a few seconds, after which nothing of it is left
        // (a cancelled job lingers as CA until MinJobAge, which squeue -t PD,R,CG does not list)
        String cancelled = jobId;
        String queue = exec("squeue", "-h", "-t", "PD,R", "-o", "%i");
        assertFalse(queue.lines().anyMatch(l -> l.strip().equals(cancelled)), "job still pending or running:\n" + queue);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            queue = exec("squeue", "-h", "-t", "PD,R,CG", "-o", "%i");
            if (queue.lines().noneMatch(l -> l.strip().equals(cancelled))) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertFalse(queue.lines().anyMatch(l -> l.strip().equals(cancelled)), "job still completing after 60 s:\n" + queue);
        JsonNode m = ManifestIO.JSON.readTree(LocalPipelinesIT.onlyRun(dir.resolve("results/slow")).resolve("manifest.json").toFile());
        assertEquals("cancelled", m.get("status").asText());
    }

    /**
     * Ctrl-C on Slurm keeps every task that had finished (fetched, verified, recorded succeeded; only the rest
     * cancelled), and {@code --resume} then reuses them: a 200-point sweep interrupted at 57 used to lose all 57.
     */
    @Test
    void ctrlCKeepsFinishedTasksAndResumeReusesThem() throws Exception {
        ctrlCKeepsFinishedTasksAndResumeReusesThem(dir, targets, "ci-slurm", "squeue");
    }

    /** The same on any scheduler: {@code tool} is its status command, which confirms the cancel. */
    static void ctrlCKeepsFinishedTasksAndResumeReusesThem(Path dir, Path targets, String target, String tool)
            throws Exception {
        // task 0 is done at once, the others take 20 s: Ctrl-C comes between (the job runs as another user on the
        // cluster, so no file of this test's folder can tell it when to finish)
        Files.writeString(dir.resolve("part.py"), "import time, pvrun\n"
                + "if pvrun.params['i'] > 0:\n    time.sleep(20)\n"
                + "open('out.txt', 'w').write(str(pvrun.params['i']))\n");
        Files.writeString(dir.resolve("part.yaml"), "name: part\nscript: part.py\noutputs: [out.txt]\n"
                + "sweep: {i: [0, 1, 2]}\ntasks_per_job: 1\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("part.yaml").toString(), "-t", target, "--targets", targets.toString(),
                "-o", dir.resolve("results").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains(" 1 done")) {
                break;
            }
        }
        assertTrue(line != null, "task 0 never finished:\n" + seen);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), seen.toString());
        assertTrue(seen.toString().matches("(?s).*pvrun: cancelled jobs? [\\d, ]+ \\(confirmed by " + tool + "\\).*"),
                seen.toString());
        Path first = LocalPipelinesIT.onlyRun(dir.resolve("results/part"));
        JsonNode m = ManifestIO.JSON.readTree(first.resolve("manifest.json").toFile());
        assertEquals("cancelled", m.get("status").asText());
        assertEquals("succeeded", m.get("tasks").get(0).get("status").asText(), m.toString());
        assertEquals("0", Files.readString(first.resolve("tasks/0000/out.txt")));
        assertEquals("cancelled", m.get("tasks").get(1).get("status").asText(), m.toString());
        assertEquals("cancelled", m.get("tasks").get(2).get("status").asText(), m.toString());

        Cli.Result again = Cli.run("run", dir.resolve("part.yaml").toString(), "-t", target, "--targets",
                targets.toString(), "-o", dir.resolve("results").toString(), "--resume");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("--resume: 1 of 3 tasks reused"), again.toString());
    }

    static void assertImage(Path png, int width, int height) throws IOException {
        var img = Images.read(png);
        assertEquals(width, img.getWidth());
        assertEquals(height, img.getHeight());
        assertTrue(Images.luminanceVariance(img) > 50, "image looks blank: " + png);
    }

    static String exec(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }
}
