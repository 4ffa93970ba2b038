package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.ExitCode;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;

/**
 * A target's setup lines are checked: with the test cluster's Lmod (a module that works, one that does not
 * exist) and locally, through the real CLI. A failing line stops the job before pvbatch, the task's reason
 * names the line with the module system's words, and the run exits 3; doctor runs the lines too.
 */
@Tag("integration")
class SetupLinesIT {
    @TempDir
    Path dir;

    Cli.Result run(Path targets, String target) {
        return Cli.run("run", Repo.pipeline("quickstart.yaml").toString(), "-t", target, "--targets", targets.toString(),
                "-o", dir.resolve("results").toString(), "--json");
    }

    @Test
    void aModuleLoadPutsPvbatchOnPath() throws IOException {
        // ci-module's pvbatch is "pvbatch-5.11.0", which only the module puts on PATH
        Cli.Result r = run(TestCluster.require().targetsFile(dir), "ci-module");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals("module load paraview/5.11.0", m.get("setup").get(0).asText());
        assertTrue(m.get("command").toString().contains("pvbatch-5.11.0"), m.get("command").toString());
    }

    @Test
    void aMissingModuleStopsTheJobBeforePvbatch() throws IOException {
        Cli.Result r = run(TestCluster.require().targetsFile(dir), "ci-module-missing");
        assertEquals(ExitCode.ENVIRONMENT, r.exitCode(), r.toString());
        JsonNode task = ManifestIO.JSON.readTree(r.out()).get("tasks").get(0);
        String reason = task.get("reason").asText();
        assertTrue(reason.startsWith("setup line 1 failed (exit 1): module load paraview/9.9: "), reason);
        // Lmod's own words
        assertTrue(reason.contains("The following module(s) are unknown: \"paraview/9.9\""), reason);
        assertTrue(r.err().contains(reason), r.err());
        assertEquals("failed", task.get("status").asText());
    }

    @Test
    void doctorRunsTheSetupLines() throws IOException {
        Path targets = TestCluster.require().targetsFile(dir);
        Cli.Result bad = Cli.run("doctor", "-t", "ci-module-missing", "--targets", targets.toString());
        assertEquals(ExitCode.ENVIRONMENT, bad.exitCode(), bad.toString());
        assertTrue(bad.out().matches("(?s).*FAIL setup +setup line 1 failed \\(exit 1\\): module load paraview/9\\.9: Lmod.*"),
                bad.out());
        Cli.Result good = Cli.run("doctor", "-t", "ci-module", "--targets", targets.toString());
        assertEquals(0, good.exitCode(), good.toString());
        assertTrue(good.out().contains("ok   setup") && good.out().contains("pvbatch-5.11.0 is ParaView 5.11.0"), good.out());
    }

    @Test
    void locallyToo() throws IOException {
        // this machine's shell has no "module" at all: the case of a run that "succeeded" anyway
        Path targets = Files.writeString(dir.resolve("targets.yaml"), "targets:\n  here:\n"
                + "    setup: [\"export PVRUN_IT=1\", \"module load paraview/5.11.0\"]\n");
        Cli.Result r = run(targets, "here");
        assertEquals(ExitCode.ENVIRONMENT, r.exitCode(), r.toString());
        String reason = ManifestIO.JSON.readTree(r.out()).get("tasks").get(0).get("reason").asText();
        assertTrue(reason.startsWith("setup line 2 failed (exit 127): module load paraview/5.11.0: ")
                && reason.endsWith("module: command not found"), reason);
        assertFalse(Files.exists(dir.resolve("results/quickstart").resolve("contour.png")));
        Cli.Result doctor = Cli.run("doctor", "-t", "here", "--targets", targets.toString());
        assertEquals(ExitCode.ENVIRONMENT, doctor.exitCode(), doctor.toString());
        assertTrue(doctor.out().contains("FAIL setup") && doctor.out().contains("setup line 2 failed (exit 127)"), doctor.out());
    }
}
