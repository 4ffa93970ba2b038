package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered job scripts, byte for byte, against runner/src/test/resources/golden/. After an intended
 * template change, regenerate with {@code PVRUN_UPDATE_GOLDEN=1} (or {@code -Dpvrun.updateGolden=true})
 * and review the diff.
 */
class JobScriptGoldenTest {

    /** Values that would break or inject into a script if any of them were not quoted. */
    static Map<String, String> hostileEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PV_TITLE", "it's a \"test\" with $(touch /tmp/pvrun-pwned) and `id`");
        env.put("OMP_NUM_THREADS", "1");
        env.put("LABEL", "two words");
        return env;
    }

    static final List<String> LAUNCH = List.of("mpiexec", "-n", "2", "pvbatch", "--force-offscreen-rendering",
            "/scratch/pvrun/run-1/driver.py", "--title=It's $(whoami)", "`id`", "");

    static final List<String> SETUP = List.of("module load paraview/5.11.0",
            "source \"$HOME/venvs/pv/bin/activate\"");

    static Stream<Arguments> cases() {
        Map<String, String> slurmResources = new LinkedHashMap<>();
        slurmResources.put("partition", "debug");
        slurmResources.put("account", "proj-42");
        slurmResources.put("time", "01:30:00");
        slurmResources.put("memory", "4G");
        slurmResources.put("nodes", "1");
        slurmResources.put("qos", "normal");
        Map<String, String> pbsResources = new LinkedHashMap<>(slurmResources);
        pbsResources.remove("qos");
        pbsResources.put("nodes", "2");
        pbsResources.put("memory", "2000");

        Map<String, String> sgeResources = new LinkedHashMap<>();
        sgeResources.put("partition", "all.q");
        sgeResources.put("account", "proj-42");
        sgeResources.put("time", "01:30:00");

        return Stream.of(
                Arguments.of("sge-array.sh", new SgeScheduler(), new JobSpec("wavelet-contour",
                        "/scratch/pvrun/run-1", 2, sgeResources, SETUP, hostileEnvironment(), "xvfb", LAUNCH,
                        4, 2, "/scratch/pvrun/run-1/jobs/j0")),
                Arguments.of("sge-plain.sh", new SgeScheduler(), new JobSpec("wavelet-contour",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py", "job.json"), 1, 0, "/scratch/pvrun/run-1/jobs/j1")),
                Arguments.of("slurm-array.sh", new SlurmScheduler(), new JobSpec("wavelet-contour",
                        "/scratch/pvrun/run-1", 2, slurmResources, SETUP, hostileEnvironment(), "xvfb", LAUNCH,
                        4, 2, "/scratch/pvrun/run-1/jobs/j0")),
                Arguments.of("slurm-plain.sh", new SlurmScheduler(), new JobSpec("wavelet-contour",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py", "job.json"), 1, 0, "/scratch/pvrun/run-1/jobs/j1")),
                Arguments.of("pbs-array.sh", new PbsScheduler(), new JobSpec("wavelet-contour",
                        "/scratch/pvrun/run-1", 3, pbsResources, SETUP, hostileEnvironment(), "auto", LAUNCH,
                        3, 0, "/scratch/pvrun/run-1/jobs/j0")),
                Arguments.of("pbs-plain.sh", new PbsScheduler(), new JobSpec("wavelet-contour",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "egl",
                        List.of("pvbatch", "driver.py", "job.json"), 1, 4, "/scratch/pvrun/run-1/jobs/j1")),
                // the third array of a round of 2,500 jobs split under Slurm's MaxArraySize of 1001
                Arguments.of("slurm-split-array.sh", new SlurmScheduler(), new JobSpec("sweep",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py"), 1, 0, "/scratch/pvrun/run-1/jobs/r1").asArray(2002, 498, 0)),
                // the last array of a split round holding one job: a plain job that knows its index
                Arguments.of("slurm-split-last.sh", new SlurmScheduler(), new JobSpec("sweep",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py"), 1, 0, "/scratch/pvrun/run-1/jobs/r1").asArray(1001, 1, 0)),
                Arguments.of("sge-split-array.sh", new SgeScheduler(), new JobSpec("sweep",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py"), 1, 0, "/scratch/pvrun/run-1/jobs/r1").asArray(10, 2, 2)),
                Arguments.of("pbs-split-array.sh", new PbsScheduler(), new JobSpec("sweep",
                        "/scratch/pvrun/run-1", 1, Map.of(), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py"), 1, 0, "/scratch/pvrun/run-1/jobs/r1").asArray(10000, 3, 2)),
                // a split animation's job: signalled a minute before its wall time, the launch in the background
                Arguments.of("slurm-animation.sh", new SlurmScheduler(), new JobSpec("movie",
                        "/scratch/pvrun/run-1", 1, Map.of("time", "00:30:00"), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py"), 4, 0, "/scratch/pvrun/run-1/jobs/r1").withStopSignal(60)),
                Arguments.of("sge-animation.sh", new SgeScheduler(), new JobSpec("movie",
                        "/scratch/pvrun/run-1", 1, Map.of("time", "00:30:00"), List.of(), Map.of(), "offscreen",
                        List.of("pvbatch", "driver.py"), 4, 0, "/scratch/pvrun/run-1/jobs/r1").withStopSignal(90)),
                Arguments.of("none.sh", new NoScheduler(), new JobSpec("wavelet-contour",
                        "/home/me/pv runs/it's run-1", 1, Map.of(), SETUP, hostileEnvironment(), "offscreen", LAUNCH,
                        1, 0, "/home/me/pv runs/it's run-1/jobs/j0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGoldenFile(String golden, Scheduler scheduler, JobSpec job) throws Exception {
        String script = scheduler.renderJobScript(job);
        Path file = goldenDir().resolve(golden);
        if (updateRequested()) {
            Files.writeString(file, script, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), script,
                "rendered script differs from " + file + " (PVRUN_UPDATE_GOLDEN=1 rewrites it)");
    }

    /** The real bash must at least parse every rendered script. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bashParsesIt(String golden, Scheduler scheduler, JobSpec job, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path script = dir.resolve(golden);
        Files.writeString(script, scheduler.renderJobScript(job), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    private static boolean updateRequested() {
        return org.pvrun.testing.Golden.updateRequested();
    }

    private static Path goldenDir() throws IOException {
        return org.pvrun.testing.Golden.dir();
    }
}
