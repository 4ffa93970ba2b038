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
import java.util.Map;
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
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;

/** Pipelines through SSH and the test cluster's real Son of Grid Engine 8.1.9 (target ci-sge). */
@Tag("integration")
class SgeIT {
    @TempDir
    Path dir;
    Path targets;

    @BeforeEach
    void setUp() throws IOException {
        targets = TestCluster.require().targetsFile(dir);
    }

    JsonNode run(String pipeline) throws IOException {
        Cli.Result r = Cli.run("run", Repo.pipeline(pipeline).toString(), "-t", "ci-sge", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("sge", m.get("scheduler").asText());
        return m;
    }

    @Test
    void aSmallPipeline() throws IOException {
        JsonNode m = run("quickstart.yaml");
        assertTrue(m.get("job_ids").get(0).asText().matches("\\d+"), m.get("job_ids").toString());
        LocalPipelinesIT.assertOutputsMatchFiles(Path.of(m.get("run_dir").asText()), m.get("tasks").get(0));
    }

    @Test
    void twoRanksInTheParallelEnvironment() throws IOException {
        JsonNode m = run("parallel.yaml");
        Path runDir = Path.of(m.get("run_dir").asText());
        JsonNode partitions = ManifestIO.JSON.readTree(runDir.resolve("tasks/0000/partitions.json").toFile());
        assertEquals(2, partitions.get("ranks").asInt(), partitions.toString());
        assertEquals("[0,1]", partitions.get("process_ids").toString());
        LocalPipelinesIT.assertOutputsMatchFiles(runDir, m.get("tasks").get(0));
    }

    /**
     * The sweep's 12 tasks go in 6 jobs; the test cluster's max_aj_tasks is 5, so they are two arrays (5 and
     * 1), and every task still gets its own parameters (a job running another's tasks would leave one without
     * outputs and another done twice).
     */
    @Test
    void aSweepAsArraysSplitUnderMaxAjTasks() throws IOException {
        assertEquals("5", TestCluster.require().get("SGE_MAX_AJ_TASKS"));
        Cli.Result r = Cli.run("run", Repo.pipeline("sweep.yaml").toString(), "-t", "ci-sge", "--targets",
                targets.toString(), "-o", dir.resolve("results").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().matches("(?s).*submitted sge jobs \\d+, \\d+ on ci-sge \\(12 tasks in 6 jobs, 2 arrays of at most 5\\).*"),
                r.out());
        JsonNode m = ManifestIO.JSON.readTree(LocalPipelinesIT.onlyRun(dir.resolve("results/isovalue-sweep"))
                .resolve("manifest.json").toFile());
        assertEquals(2, m.get("job_ids").size(), m.get("job_ids").toString());
        assertEquals(12, m.get("tasks").size());
        for (JsonNode task : m.get("tasks")) {
            assertEquals("succeeded", task.get("status").asText(), task.toString());
            assertEquals(1, task.get("outputs").size(), task.toString());
            assertTrue(task.get("outputs").get(0).get("path").asText().startsWith("tasks/" + String.format("%04d", task.get("index").asInt()) + "/"),
                    task.toString());
        }
    }

    /**
     * A limit Grid Engine enforces at submission (max_u_jobs 1, set on the real server for this test): the
     * sweep's first array is accepted, the second refused. The run stops there with exit 3 and Grid Engine's
     * words; the first array runs on, recorded; once the limit is lifted, {@code pvrun fetch} submits the
     * second array and collects the whole run.
     */
    @Test
    void aSubmissionRefusedByALimitKeepsWhatWasSubmittedAndFetchSubmitsTheRest() throws Exception {
        Map<String, String> env = Map.of("PVRUN_STATE", dir.resolve("state").toString());
        Cli.Result r;
        try {
            setGlobal("max_u_jobs", "1");
            r = Cli.run(env, "run", Repo.pipeline("sweep.yaml").toString(), "-t", "ci-sge", "--targets",
                    targets.toString(), "-o", dir.resolve("results").toString());
        } finally {
            setGlobal("max_u_jobs", "0");
        }
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("the sge submission of array 2 of 2 (jobs "), r.toString());
        assertTrue(r.err().contains("only 1 jobs are allowed per user"), r.toString());
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/isovalue-sweep"));
        String runId = run.getFileName().toString();
        assertTrue(r.err().matches("(?s).*the jobs submitted before it \\(\\d+\\) go on; once that is resolved, pvrun fetch "
                + runId + " submits the rest and collects the run.*"), r.toString());
        Cli.Result f = Cli.run(env, "fetch", runId);
        assertEquals(0, f.exitCode(), f.toString());
        assertTrue(f.out().matches("(?s).*array 2 of 2 of round 1 is sge job \\d+.*"), f.out());
        JsonNode m = ManifestIO.JSON.readTree(run.resolve("manifest.json").toFile());
        assertEquals("succeeded", m.get("status").asText(), m.toString());
        assertEquals(2, m.get("job_ids").size(), m.toString());
        for (JsonNode task : m.get("tasks")) {
            assertEquals("succeeded", task.get("status").asText(), task.toString());
        }
    }

    /** Sets one value of Grid Engine's global configuration (qconf -Mconf reads a file named after it). */
    static void setGlobal(String key, String value) throws IOException, InterruptedException {
        String conf = ClusterPipelinesIT.exec("qconf", "-sconf").replaceAll("(?m)^" + key + " .*$",
                String.format("%-28s %s", key, value));
        Path d = Files.createTempDirectory("pvrun-sge-conf");
        try {
            Files.writeString(d.resolve("global"), conf);
            ClusterPipelinesIT.exec("qconf", "-Mconf", d.resolve("global").toString());
        } finally {
            Files.deleteIfExists(d.resolve("global"));
            Files.deleteIfExists(d);
        }
        assertTrue(ClusterPipelinesIT.exec("qconf", "-sconf").matches("(?s).*\\n" + key + " +" + value + "\\n.*"));
    }

    @Test
    void ctrlCKeepsFinishedTasksAndResumeReusesThem() throws Exception {
        ClusterPipelinesIT.ctrlCKeepsFinishedTasksAndResumeReusesThem(dir, targets, "ci-sge", "qstat");
    }

    /**
     * qsub submits, then its answer is lost (as when the connection drops while it runs): exit 255, no job id.
     * The run stops with exit 3 and says so; {@code pvrun fetch} finds the job by its script ({@code qstat -j
     * '*'}) instead of submitting it again, and collects the run.
     */
    @Test
    void submissionWhoseAnswerWasLostIsFoundByFetchNotSubmittedTwice() throws Exception {
        Path ids = Files.createTempFile("pvrun-qsub", ".ids");
        Files.setPosixFilePermissions(ids, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.writeString(dir.resolve("slowish.py"), "import time\ntime.sleep(3)\nopen('done.txt', 'w').write('ok')\n");
        Files.writeString(dir.resolve("slowish.yaml"), "name: slowish\nscript: slowish.py\noutputs: [done.txt]\n");
        Map<String, String> env = Map.of("PVRUN_STATE", dir.resolve("state").toString());
        try (AutoCloseable wrapped = TestCluster.require().remotePath(Map.of("qsub", "#!/bin/sh\n/usr/bin/qsub \"$@\" >>" + ids
                + "\necho 'Connection to login closed by remote host.' >&2\nexit 255\n"))) {
            Cli.Result r = Cli.run(env, "run", dir.resolve("slowish.yaml").toString(), "-t", "ci-sge", "--targets",
                    targets.toString(), "-o", dir.resolve("results").toString());
            assertEquals(3, r.exitCode(), r.toString());
            Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/slowish"));
            String runId = run.getFileName().toString();
            assertTrue((r.out() + r.err()).contains("may or may not have been submitted; pvrun fetch " + runId), r.toString());
            Cli.Result f = Cli.run(env, "fetch", runId);
            assertEquals(0, f.exitCode(), f.toString());
            String id = Files.readString(ids).strip();
            assertEquals(1, id.lines().count(), "submitted more than once: " + id);
            assertTrue(f.out().contains("round 1 is sge job " + id), f.out());
            JsonNode m = ManifestIO.JSON.readTree(run.resolve("manifest.json").toFile());
            assertEquals("[\"" + id + "\"]", m.get("job_ids").toString());
            assertEquals("succeeded", m.get("status").asText(), m.toString());
            assertEquals("ok", Files.readString(run.resolve("tasks/0000/done.txt")));
        } finally {
            Files.deleteIfExists(ids);
        }
    }

    @Test
    void ctrlCDeletesTheGridEngineJob() throws Exception {
        Files.writeString(dir.resolve("slow.py"), "import time\nprint('started', flush=True)\ntime.sleep(300)\n");
        Files.writeString(dir.resolve("slow.yaml"), "name: slow\nscript: slow.py\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("slow.yaml").toString(), "-t", "ci-sge", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        Matcher submitted = null;
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = Pattern.compile("submitted sge job (\\d+)").matcher(line);
            if (m.find()) {
                submitted = m;
            }
            if (submitted != null && line.contains(" 1 running")) {
                break;
            }
        }
        assertTrue(submitted != null, "never submitted:\n" + seen);
        String jobId = submitted.group(1);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("cancelled job " + jobId), seen.toString());
        // qdel took it: within a few seconds Grid Engine has forgotten it (deleted jobs leave qstat)
        String queue = "";
        for (int i = 0; i < 60; i++) {
            queue = ClusterPipelinesIT.exec("runuser", "-u", "pvci", "--", "qstat");
            if (queue.lines().noneMatch(l -> l.strip().startsWith(jobId + " "))) {
                break;
            }
            Thread.sleep(500);
        }
        assertFalse(queue.lines().anyMatch(l -> l.strip().startsWith(jobId + " ")), "job still queued:\n" + queue);
        JsonNode m = ManifestIO.JSON.readTree(LocalPipelinesIT.onlyRun(dir.resolve("results/slow")).resolve("manifest.json").toFile());
        assertEquals("cancelled", m.get("status").asText());
    }
}
