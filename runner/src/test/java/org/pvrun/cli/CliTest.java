package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.testing.Cli;

/** The command line as users meet it: exit codes, messages, nothing written on bad input. */
class CliTest {
    static final String SPECS = "src/test/resources/specs";
    static final Map<String, String> NO_PVBATCH = Map.of("PVRUN_PVBATCH", "/nonexistent/pvbatch");

    @Test
    void helpShowsExamplesAndExitCodes() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("pvrun pipelines/quickstart.yaml"), r.out());
        assertTrue(r.out().contains("130 interrupted"), r.out());
    }

    @Test
    void specAloneMeansRun(@TempDir Path results) {
        Cli.Result r = Cli.run(NO_PVBATCH, SPECS + "/good/minimal.yaml", "--dry-run", "-o", results.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("pipeline:  minimal"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown-key          | 4:1: unknown key 'rank' in the pipeline spec; did you mean 'ranks'?",
        "malformed            | 4:6: malformed YAML",
        "wrong-type-ranks     | 4:8: 'ranks' must be a whole number",
        "missing-script       | 3:9: script not found:",
        "input-matches-nothing | 4:10: input glob '../data/*.nc' matches no file",
        "bad-version          | 4:11: bad version constraint",
        "ranks-zero           | 4:8: ranks must be at least 1",
        "name-slash           | 2:7: bad name 'a/b'",
    })
    void badSpecExits2WithPlaceAndWritesNothing(String name, String expected, @TempDir Path results) throws IOException {
        String spec = SPECS + "/bad/" + name + ".yaml";
        Cli.Result r = Cli.run("run", spec, "-o", results.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(spec + ":" + expected), r.toString());
        assertFalse(r.err().contains("\tat "), "stack trace without --verbose:\n" + r.err());
        try (var s = Files.list(results)) {
            assertEquals(0, s.count(), "something was written");
        }
    }

    @Test
    void unknownOptionExits2WithSuggestion() {
        Cli.Result r = Cli.run("run", SPECS + "/good/minimal.yaml", "--dryrun");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--dry-run"), r.err());
    }

    @Test
    void unknownTargetExits2() {
        Cli.Result r = Cli.run(NO_PVBATCH, "run", SPECS + "/good/minimal.yaml", "-t", "nowhere", "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown target 'nowhere'"), r.err());
    }

    @Test
    void missingPvbatchExits3AndSaysHowToInstall(@TempDir Path results) throws IOException {
        Cli.Result r = Cli.run(NO_PVBATCH, "run", SPECS + "/good/minimal.yaml", "-o", results.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("apt-get install paraview"), r.err());
        try (var s = Files.list(results)) {
            assertEquals(0, s.count(), "something was written");
        }
    }

    @Test
    void dryRunPrintsCommandsAndWritesNothing(@TempDir Path results) throws IOException {
        Cli.Result r = Cli.run(NO_PVBATCH, "run", SPECS + "/good/full.yaml", "--dry-run", "-o", results.toString(),
                "-s", "label=it's");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("mpiexec -n 2"), r.out());
        assertTrue(r.out().contains("--force-offscreen-rendering"), r.out());
        // script arguments after {param} substitution, quoted as a shell would need them
        assertTrue(r.out().contains("--frames 3 -T . '--label=it'\"'\"'s' '{literal}'"), r.out());
        assertTrue(r.out().contains("input:     a.vti"), r.out());
        try (var s = Files.list(results)) {
            assertEquals(0, s.count(), "dry run wrote something");
        }
    }

    @Test
    void validateChecksEverySpec() {
        Cli.Result r = Cli.run("validate", SPECS + "/good/minimal.yaml", SPECS + "/bad/ranks-zero.yaml");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.out().contains("minimal.yaml: ok"), r.out());
        assertTrue(r.err().contains("ranks-zero.yaml:4:8"), r.err());
    }
}
