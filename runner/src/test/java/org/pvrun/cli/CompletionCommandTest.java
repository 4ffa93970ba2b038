package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

/** {@code pvrun completion}: picocli's script for the current command tree, and bash accepts it. */
class CompletionCommandTest {

    @Test
    void scriptNamesTheCommandsAndTheirOptions() {
        Cli.Result r = Cli.run("completion");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.err());
        String script = r.out();
        for (String word : List.of("_complete_pvrun", "validate", "init", "completion", "--dry-run", "--results",
                "--set", "--version")) {
            assertTrue(script.contains(word), "the completion script lacks " + word);
        }
        // 'pvrun SPEC.yaml' has no positional for picocli to complete: bash falls back to file names
        assertTrue(script.contains("complete -F _pvrun_dynamic -o default pvrun"), script);
    }

    @Test
    void bashCompletesSubcommandsAndRunOptions(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("pvrun.bash"), Cli.run("completion").out());
        // what a user's shell does on 'pvrun va<TAB>' and 'pvrun run x.yaml --dry<TAB>'
        String test = "source " + script + "\n"
                + "COMP_WORDS=(pvrun va); COMP_CWORD=1; COMP_LINE='pvrun va'; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_pvrun; echo \"1:${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(pvrun run x.yaml --dry); COMP_CWORD=3; COMP_LINE='pvrun run x.yaml --dry'; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_pvrun; echo \"2:${COMPREPLY[*]}\"\n";
        String out = bash(test);
        assertTrue(out.contains("1:validate"), out);
        assertTrue(out.contains("2:--dry-run"), out);
    }

    @Test
    void theCandidatesAreTheTargetsFilesTargetsAndTheRecordedRuns(@TempDir Path dir) throws Exception {
        Path targets = Files.writeString(dir.resolve("targets.yaml"), "targets:\n  hopper: {host: h}\n  frontier: {host: f}\n");
        java.util.Map<String, String> env = java.util.Map.of("PVRUN_TARGETS", targets.toString(),
                "PVRUN_STATE", dir.resolve("state").toString());
        assertEquals(List.of("hopper", "frontier", "local"),
                Cli.run(env, "completion", "--candidates", "targets").out().lines().toList());
        assertEquals("", Cli.run(env, "completion", "--candidates", "runs").out(), "no runs recorded");
        // a damaged targets file offers what is always there, and prints no error into the command line
        Files.writeString(targets, "targets: [\n");
        Cli.Result bad = Cli.run(env, "completion", "--candidates", "targets");
        assertEquals("local\n", bad.out());
        assertEquals("", bad.err());
    }

    @Test
    void bashOffersTargetNamesAfterTAndRunIdsWhereACommandTakesRun(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("pvrun.bash"), Cli.run("completion").out());
        // a stand-in pvrun on PATH answers the script's questions as pvrun would
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = Files.writeString(bin.resolve("pvrun"), "#!/bin/sh\ncase \"$3\" in\n"
                + "  targets) printf 'hopper\\nlocal\\n' ;;\n  runs) printf '20261201-010203-aaaaaa\\n20261130-010203-bbbbbb\\n' ;;\nesac\n");
        fake.toFile().setExecutable(true);
        String test = "export PATH=" + bin + ":$PATH\nsource " + script + "\n"
                + "COMP_WORDS=(pvrun run x.yaml -t ho); COMP_CWORD=4; COMP_LINE='pvrun run x.yaml -t ho'; COMP_POINT=${#COMP_LINE}\n"
                + "_pvrun_dynamic; echo \"1:${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(pvrun fetch 202612); COMP_CWORD=2; COMP_LINE='pvrun fetch 202612'; COMP_POINT=${#COMP_LINE}\n"
                + "_pvrun_dynamic; echo \"2:${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(pvrun fetch --j); COMP_CWORD=2; COMP_LINE='pvrun fetch --j'; COMP_POINT=${#COMP_LINE}\n"
                + "_pvrun_dynamic; echo \"3:${COMPREPLY[*]}\"\n";
        String out = bash(test);
        assertTrue(out.contains("1:hopper\n"), out);
        assertTrue(out.contains("2:20261201-010203-aaaaaa\n"), out);
        assertTrue(out.contains("3:--json"), out);
    }

    private static String bash(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "--norc", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash hung");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
