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
        assertTrue(script.contains("complete -F _complete_pvrun -o default pvrun"), script);
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

    private static String bash(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "--norc", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash hung");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
