package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

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
}
