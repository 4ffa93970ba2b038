package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.spec.Display;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;

/** What a cluster job is made of, decided before anything is sent: resources, display, launch. */
class EngineTest {
    @TempDir
    Path dir;

    PipelineSpec spec(String extra) throws IOException {
        Files.writeString(dir.resolve("s.py"), "");
        Files.writeString(dir.resolve("p.yaml"), "name: p\nscript: s.py\nranks: 4\n" + extra);
        return new SpecLoader().load(dir.resolve("p.yaml"), Map.of(), Map.of());
    }

    Target target(String yaml) throws IOException {
        Files.writeString(dir.resolve("t.yaml"), "targets:\n  hpc:\n" + yaml);
        return new TargetsLoader().load(dir.resolve("t.yaml"), Map.of()).get("hpc");
    }


    @Test
    void specResourcesOverrideTheTargetsAndTimeoutGivesWallTime() throws IOException {
        Target t = target("    host: h\n    scheduler: slurm\n    resources: {partition: general, account: p1, time: \"01:00:00\"}\n");
        assertEquals(Map.of("partition", "debug", "account", "p1", "time", "01:00:00"),
                Engine.resources(spec("resources: {partition: debug}\n"), t, 1));
        assertEquals(Map.of("partition", "general", "account", "p1", "time", "00:20:00"),
                Engine.resources(spec("timeout: 20m\nresources: {time: \"00:20:00\"}\n"), t, 1));
        // a packed job of 3 tasks of at most 20 minutes each gets an hour, plus a minute for ParaView to start
        Target bare = target("    host: h\n    scheduler: slurm\n");
        assertEquals(Map.of("time", "01:01:00"), Engine.resources(spec("timeout: 20m\n"), bare, 3));
    }

    @Test
    void jobRunsTheDriverUnderTheTargetsLauncher() throws IOException {
        Target t = target("    host: h\n    scheduler: slurm\n    pvbatch: /opt/pv/bin/pvbatch\n    env: {A: b}\n");
        JobSpec job = Engine.jobSpec(spec(""), t, "5.11.0", "/scratch/r/p/ID", "/scratch/r/p/ID/jobs/r1", 6, 2, 3);
        assertEquals(List.of("srun", "-n", "4", "/opt/pv/bin/pvbatch", "--force-offscreen-rendering",
                "/scratch/r/p/ID/runtime/pvrun_driver.py", "/scratch/r/p/ID/jobs/r1"), job.launch());
        assertEquals("/scratch/r/p/ID/jobs/r1", job.jobDir());
        assertEquals(6, job.arraySize());
        assertEquals(2, job.maxParallel());
        assertEquals(Map.of("A", "b", "PVRUN_RUN_DIR", "/scratch/r/p/ID"), job.environment());
        Target templated = target("    host: h\n    scheduler: pbs\n    launcher: \"mpirun -np {ranks} --bind-to core\"\n");
        assertEquals(List.of("mpirun", "-np", "4", "--bind-to", "core", "pvbatch"),
                Engine.jobSpec(spec(""), templated, "5.11.0", "/r", "/r/jobs/r1", 1, 0, 1).launch().subList(0, 6));
        // without a scheduler nothing enforces a wall time: the job runs under coreutils timeout
        Target none = target("    host: h\n    scheduler: none\n");
        assertEquals(List.of("timeout", "--kill-after=30", "1260s", "mpiexec", "-n", "4"),
                Engine.jobSpec(spec("timeout: 10m\n"), none, "5.11.0", "/r", "/r/jobs/r1", 1, 0, 2).launch().subList(0, 6));
    }

    @Test
    void theSpecsDisplayWinsUnlessAuto() throws IOException {
        Target t = target("    host: h\n    display: xvfb\n");
        assertEquals(Display.XVFB, Engine.display(spec(""), t));
        assertEquals(Display.EGL, Engine.display(spec("display: egl\n"), t));
    }

    @Test
    void dryRunPrintsTheJobScriptAndTheSubmitCommand() throws IOException {
        Target t = target("    host: h\n    scheduler: slurm\n    workdir: /scratch/u\n");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        new Engine(new RunOptions(dir, true, false, false, out, out, Map.of()), Engine.Options.defaults())
                .run(org.pvrun.plan.Planner.plan(spec("")), t);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("submit:    sbatch --parsable /scratch/u/p/RUN-ID/jobs/r1/job.sh"), text);
        assertTrue(text.contains("  | #SBATCH --ntasks=4"), text);
        assertTrue(text.contains("(dry run: nothing was run, sent or written)"), text);
    }
}
