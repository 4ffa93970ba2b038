package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The setup-line check, run by a real bash: as in the doctor's command and in every job script. */
class SetupLinesTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    Run bash(String script) throws IOException, InterruptedException {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void linesRunInTheShellThatGoesOn() throws Exception {
        // an export and a function defined by a line (as a module load does) are there after the check
        Run r = bash(SetupLines.checked(List.of("export PV_HOME=/opt/pv", "pv() { echo \"pv from $PV_HOME\"; }",
                "echo 'a line'\"'\"'s output'")) + "pv\n");
        assertEquals(0, r.status(), r.toString());
        assertEquals("a line's output\npv from /opt/pv\n", r.out());
        assertNull(SetupLines.failure(r.err()), r.err());
    }

    @Test
    void theFirstFailingLineStopsWithItsNumberStatusAndOutput() throws Exception {
        Run r = bash(SetupLines.checked(List.of("echo one", "echo 'no such module' >&2; (exit 4)", "touch reached"))
                + "touch after\n");
        assertEquals(4, r.status(), r.toString());
        assertEquals("setup line 2 failed (exit 4): echo 'no such module' >&2; (exit 4): no such module",
                SetupLines.failure(r.err()));
        assertTrue(r.out().contains("no such module"), "the line's output is still shown: " + r.out());
        assertTrue(Files.notExists(dir.resolve("reached")) && Files.notExists(dir.resolve("after")));
    }

    @Test
    void anUnknownCommandIsAFailure() throws Exception {
        Run r = bash(SetupLines.checked(List.of("module load paraview/9.9")) + "echo after\n");
        assertEquals(127, r.status());
        String failure = SetupLines.failure(r.err());
        assertTrue(failure.startsWith("setup line 1 failed (exit 127): module load paraview/9.9: ")
                && failure.contains("module: command not found"), failure);
    }

    @Test
    void noLinesNoText() {
        assertEquals("", SetupLines.checked(List.of()));
    }

    @Test
    void aJobScriptWritesTheReasonIntoItsExitFileAndNeverStartsTheLaunch() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Path jobs = Files.createDirectories(dir.resolve("jobs"));
        JobSpec job = new JobSpec("setup-test", run.toString(), 1, java.util.Map.of(),
                List.of("true", "module load paraview/9.9"), java.util.Map.of(), "offscreen",
                List.of("touch", run.resolve("launched").toString()), 1, 0, jobs.toString());
        Path script = Files.writeString(dir.resolve("job.sh"), new NoScheduler().renderJobScript(job));
        Run r = bash("bash " + script);
        assertEquals(127, r.status(), r.toString());
        String exit = Files.readString(jobs.resolve("job-0.exit")).strip();
        assertTrue(exit.startsWith("127 setup line 2 failed (exit 127): module load paraview/9.9: "), exit);
        assertTrue(Files.notExists(run.resolve("launched")), "the launch ran after a failed setup line");
    }
}
