package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;

/**
 * The serve job is the target's own job script with pvserver as the launched program. The shared body is
 * covered by the scheduler golden files (JobScriptGoldenTest); here only what serve decides.
 */
class PvserverJobTest {
    @TempDir
    Path dir;

    Target target(String extra) throws Exception {
        Path file = Files.writeString(dir.resolve("targets.yaml"), "targets:\n  hopper:\n    host: h\n"
                + "    scheduler: slurm\n    setup: [\"module load paraview/5.11.0\"]\n    display: xvfb\n"
                + "    resources: {partition: viz, time: \"00:30:00\"}\n" + extra);
        return new TargetsLoader().load(file, Map.of()).get("hopper");
    }

    @Test
    void slurmScriptRunsPvserverUnderSrun() throws Exception {
        Target t = target("");
        String session = "/scratch/jdoe/pvrun/serve/20261126-051500-3fa2c1";
        List<String> launch = PvserverJob.launch(t, 2, PvserverJob.serverArgs("pvserver", false, null, null));
        assertEquals(List.of("srun", "-n", "2", "pvserver", "--server-port=0"), launch);
        String script = Schedulers.forName("slurm").renderJobScript(PvserverJob.jobSpec(t, 2, "01:00:00", session, launch));
        List<String> directives = script.lines().filter(l -> l.startsWith("#SBATCH")).toList();
        assertEquals(List.of("#SBATCH --job-name=pvrun-serve", "#SBATCH --chdir=" + session,
                "#SBATCH --output=" + session + "/jobs/job-0.out", "#SBATCH --ntasks=2", "#SBATCH --no-requeue", "#SBATCH --partition=viz",
                "#SBATCH --time=01:00:00"), directives);
        assertTrue(script.contains("\npvrun_setup 1 'module load paraview/5.11.0' || "), script);
        assertTrue(script.contains("\npvrun_start_xvfb\n"), script);
        assertTrue(script.contains("\n    srun -n 2 pvserver --server-port=0\n    pvrun_rc=$?\n"), script);
        assertTrue(script.contains("\npvrun_finish \"$pvrun_rc\"\n"), script);
        Path f = Files.writeString(dir.resolve("job.sh"), script);
        Process p = new ProcessBuilder("bash", "-n", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void reverseArgumentsAndTheTargetsWallTime() throws Exception {
        Target t = target("    launcher: mpiexec\n");
        List<String> launch = PvserverJob.launch(t, 1, PvserverJob.serverArgs("/opt/pv/bin/pvserver", true, "login1", "40123"));
        // mpiexec with one rank is left out, as for batch runs
        assertEquals(List.of("/opt/pv/bin/pvserver", "--rc", "--client-host=login1", "--server-port=40123"), launch);
        assertEquals("00:30:00", PvserverJob.resources(t, null).get("time"));
        assertEquals("02:00:00", PvserverJob.resources(t, "02:00:00").get("time"));
        assertEquals(List.of("mpiexec", "-n", "3", "pvserver", "--server-port=0"),
                PvserverJob.launch(t, 3, PvserverJob.serverArgs("pvserver", false, null, null)));
    }
}
