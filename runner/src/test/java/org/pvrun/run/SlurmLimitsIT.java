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
import org.pvrun.testing.TestCluster;

/** The test cluster's Slurm and its limits: arrays larger than MaxArraySize, submissions it refuses. */
@Tag("integration")
class SlurmLimitsIT {
    @TempDir
    Path dir;
    Path targets;

    @BeforeEach
    void setUp() throws IOException {
        targets = TestCluster.require().targetsFile(dir);
    }

    /**
     * 2,500 jobs under Slurm's default MaxArraySize of 1001 go as three arrays (1001, 1001, 498), each counting
     * from 0 with its offset in the round added by its script. With max_parallel 3 one element of each array
     * runs at once on the two nodes, so the first job of every array finishes within seconds: each wrote its own
     * task's parameter (a wrong offset would run another task's). Then Ctrl-C cancels all three arrays and
     * keeps what finished.
     */
    @Test
    void aRoundLargerThanMaxArraySizeGoesAsSeveralArrays() throws Exception {
        assertTrue(ClusterPipelinesIT.exec("scontrol", "show", "config").matches("(?s).*\\nMaxArraySize\\s+= 1001\\n.*"));
        Files.writeString(dir.resolve("big.py"), "import pvrun\nopen('i.txt', 'w').write(str(pvrun.params['i']))\n");
        Files.writeString(dir.resolve("big.yaml"), "name: big\nscript: big.py\noutputs: [i.txt]\n"
                + "sweep: {i: {from: 0, to: 2499, step: 1}}\ntasks_per_job: 1\nmax_parallel: 3\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main", "run",
                dir.resolve("big.yaml").toString(), "-t", "ci-slurm-2nodes", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        Matcher submitted = null;
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = Pattern.compile("submitted slurm jobs (\\d+), (\\d+), (\\d+) on ci-slurm-2nodes "
                    + "\\(2500 tasks in 2500 jobs, 3 arrays of at most 1001\\)").matcher(line);
            if (m.find()) {
                submitted = m;
                break;
            }
        }
        assertTrue(submitted != null, "not submitted as three arrays:\n" + seen);
        List<String> ids = List.of(submitted.group(1), submitted.group(2), submitted.group(3));
        String third = ClusterPipelinesIT.exec("scontrol", "show", "job", ids.get(2));
        assertTrue(third.contains("ArrayTaskId=") && third.contains("0-497"), third);

        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/big"));
        String remote = RunRecord.read(run).remoteDir();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        List<String> firsts = List.of("0000", "1001", "2002");
        while (!firsts.stream().allMatch(t -> Files.exists(Path.of(remote, "status", t + ".exit")))) {
            assertTrue(System.nanoTime() < deadline, "the first job of each array did not finish:\n" + seen);
            Thread.sleep(500);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
        }
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), seen.toString());
        assertEquals(130, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("(confirmed by squeue)"), seen.toString());
        String queue = ClusterPipelinesIT.exec("squeue", "--noheader", "--array", "--format=%i %t");
        for (String id : ids) {
            assertFalse(queue.lines().anyMatch(l -> l.startsWith(id + "_") && !l.endsWith(" CA")), "still queued:\n" + queue);
        }
        JsonNode m = ManifestIO.JSON.readTree(run.resolve("manifest.json").toFile());
        assertEquals(ids.toString().replace(" ", ""), m.get("job_ids").toString().replace("\"", ""));
        for (String t : firsts) {
            JsonNode task = m.get("tasks").get(Integer.parseInt(t));
            assertEquals("succeeded", task.get("status").asText(), task.toString());
            assertEquals(Integer.toString(Integer.parseInt(t)), Files.readString(run.resolve("tasks/" + t + "/i.txt")));
        }
    }

    /** A partition Slurm does not know: refused at submission, in Slurm's words, exit 3, nothing queued. */
    @Test
    void aSubmissionSlurmRefusesStopsWithItsWords() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("refused.py"), "open('x.txt', 'w').write('x')\n");
        Files.writeString(dir.resolve("refused.yaml"), "name: refused-partition\nscript: refused.py\n"
                + "resources: {partition: nosuchpartition}\n");
        Cli.Result r = Cli.run("run", dir.resolve("refused.yaml").toString(), "-t", "ci-slurm", "--targets",
                targets.toString(), "-o", dir.resolve("results").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("the slurm submission failed on ci-slurm"), r.toString());
        assertTrue(r.err().contains("Invalid partition name specified"), r.toString());
        Path run = LocalPipelinesIT.onlyRun(dir.resolve("results/refused-partition"));
        assertTrue(r.err().contains("nothing of run " + run.getFileName() + " was submitted"), r.toString());
        String queue = ClusterPipelinesIT.exec("squeue", "--noheader", "--states=all", "--format=%j");
        assertFalse(queue.contains("pvrun-refused-partition"), queue);
    }
}
