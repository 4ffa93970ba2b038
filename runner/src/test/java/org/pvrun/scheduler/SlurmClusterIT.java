package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rendered Slurm script submitted to the real single-node Slurm of scripts/testcluster (run with
 * {@code -Pit}; skipped when sinfo cannot reach a controller). The job runs on this machine, so its files
 * are read directly.
 */
@Tag("integration")
class SlurmClusterIT {
    private final SlurmScheduler slurm = new SlurmScheduler();

    private static String exec(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), argv + " failed:\n" + out);
        return out;
    }

    @Test
    void arrayJobWritesExitFilesAndReportsItsElements(@TempDir Path tmp) throws Exception {
        assumeTrue(new ProcessBuilder("sinfo").start().waitFor() == 0, "no Slurm controller reachable");
        Path jobs = Files.createDirectories(tmp.resolve("jobs"));
        JobSpec job = new JobSpec("pvrun-it", tmp.toString(), 1, Map.of("time", "0:05:00"), List.of("echo setup"),
                Map.of("PV_TITLE", "it's $(touch " + tmp.resolve("pwned") + ")"), "offscreen",
                List.of("sh", "-c", "echo \"i=$PVRUN_ARRAY_INDEX arg=$1 title=$PV_TITLE pwd=$(pwd)\";"
                        + " sleep 2; exit $((PVRUN_ARRAY_INDEX + 4))", "sh", "a 'b' $(c)"),
                3, 2, jobs.toString());
        Path script = jobs.resolve("job.sh");
        Files.writeString(script, slurm.renderJobScript(job));

        String id = slurm.parseJobId(exec(slurm.submitCommand(script.toString())));
        List<String> elements = List.of(slurm.elementId(id, 0, 3), slurm.elementId(id, 1, 3), slurm.elementId(id, 2, 3));
        try {
            // the throttle (%2) keeps element 2 pending while 0 and 1 run
            Map<String, JobState> first = slurm.parseStatus(exec(slurm.statusCommand(List.of(id))));
            assertTrue(elements.stream().allMatch(first::containsKey), first.toString());
            assertEquals(JobState.PENDING, first.get(id + "_2"), first.toString());

            Map<String, JobState> last = first;
            for (int i = 0; i < 120 && !allTerminal(last, elements); i++) {
                Thread.sleep(500);
                last = slurm.parseStatus(exec(slurm.statusCommand(List.of(id))));
            }
            for (int i = 0; i < 3; i++) {
                Path exit = jobs.resolve("job-" + i + ".exit");
                assertEquals((i + 4) + "\n", Files.readString(exit), "exit file of element " + i);
                assertEquals("setup\ni=" + i + " arg=a 'b' $(c) title=" + job.environment().get("PV_TITLE")
                        + " pwd=" + tmp + "\n", Files.readString(jobs.resolve("job-" + i + ".out")));
                // a non-zero batch exit status is FAILED to Slurm too
                assertEquals(JobState.FAILED, last.get(elements.get(i)), last.toString());
            }
            assertEquals(new JobRecord(JobState.FAILED, 4, 0),
                    slurm.parseShowJob(exec(slurm.showJobCommand(id))).get(id + "_0"));
            assertTrue(Files.notExists(tmp.resolve("pwned")));
        } finally {
            new ProcessBuilder(slurm.cancelCommand(List.of(id))).start().waitFor();
        }
    }

    private static boolean allTerminal(Map<String, JobState> states, List<String> elements) {
        return elements.stream().allMatch(e -> states.containsKey(e) && states.get(e).isTerminal());
    }
}
