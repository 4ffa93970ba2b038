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

    @Test
    void aSweepAsAnArray() throws IOException {
        JsonNode m = run("sweep.yaml");
        assertEquals(12, m.get("tasks").size());
        for (JsonNode task : m.get("tasks")) {
            assertEquals("succeeded", task.get("status").asText(), task.toString());
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
