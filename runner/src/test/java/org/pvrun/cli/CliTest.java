package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pvrun.testing.BadSpecs;
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

    static Stream<Path> badSpecs() throws IOException {
        return BadSpecs.files();
    }

    /**
     * Every spec of the corpus, through {@code validate}, {@code run --dry-run} and {@code run}: exit 2, the
     * message at FILE:LINE:COL, no stack trace, and nothing written (no results folder, no state entry).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpecExits2WithPlaceAndWritesNothing(Path file, @TempDir Path tmp) throws IOException {
        String spec = file.toString();
        Path results = Files.createDirectories(tmp.resolve("results"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Map<String, String> env = Map.of("PVRUN_STATE", state.toString(), "PVRUN_PVBATCH", "/nonexistent/pvbatch");
        String expected = BadSpecs.expectedText(file, spec);
        for (List<String> command : List.of(List.of("validate", spec), List.of("run", spec, "--dry-run", "-o", results.toString()),
                List.of("run", spec, "-o", results.toString()))) {
            Cli.Result r = Cli.run(env, command.toArray(String[]::new));
            assertEquals(2, r.exitCode(), command + "\n" + r);
            assertTrue(r.err().contains(expected), "expected '" + expected + "' from " + command + ":\n" + r);
            assertTrue(r.err().lines().anyMatch(l -> l.replaceFirst("^pvrun: ", "").startsWith(spec + ":")),
                    "no message starts with the file: " + r.err());
            assertFalse(r.err().contains("\tat "), "stack trace without --verbose:\n" + r.err());
            assertEmpty(results);
            assertEmpty(state);
        }
    }

    @Test
    void hugeSpecIsRefusedUnreadThroughTheCli(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("huge.yaml");
        // 2 MiB of harmless comments after a valid head: the size alone refuses it
        Files.writeString(spec, "name: huge\nscript: s.py\n" + "# padding\n".repeat(2 * 1024 * 1024 / 10));
        Path results = Files.createDirectories(tmp.resolve("results"));
        Cli.Result r = Cli.run("run", spec.toString(), "--dry-run", "-o", results.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(spec + ":1:1: file is " + Files.size(spec) + " bytes; a spec or targets file may be at most "
                + "1048576 bytes"), r.err());
        assertEmpty(results);
    }

    @Test
    void badTargetsFileExits2WithPlaceAndWritesNothing(@TempDir Path tmp) throws IOException {
        Path targets = tmp.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n  a: &a {host: h}\n  b: *a\n");
        Path results = Files.createDirectories(tmp.resolve("results"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Cli.Result r = Cli.run(Map.of("PVRUN_STATE", state.toString()), "run", SPECS + "/good/minimal.yaml", "-t", "a",
                "--targets", targets.toString(), "-o", results.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(targets + ":2:6: YAML anchors (&name) are not allowed"), r.err());
        assertEmpty(results);
        assertEmpty(state);
    }

    static void assertEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "something was written into " + dir);
        }
    }

    @Test
    void unknownOptionExits2WithSuggestion() {
        Cli.Result r = Cli.run("run", SPECS + "/good/minimal.yaml", "--dryrun");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--dry-run"), r.err());
    }

    @Test
    void allWithoutDryRunExits2(@TempDir Path results) throws IOException {
        Cli.Result r = Cli.run(NO_PVBATCH, "run", SPECS + "/good/minimal.yaml", "--all", "-o", results.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--all lists a dry run's tasks: use it with --dry-run"), r.err());
        try (var s = Files.list(results)) {
            assertEquals(0, s.count(), "something was written");
        }
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

    /** For each command, a mistake it reports (exit 2) without touching a target; completion cannot fail. */
    static Stream<Arguments> failingCommands() {
        return Stream.of(
                Arguments.of("run", List.of("/nonexistent/spec.yaml")),
                Arguments.of("validate", List.of("/nonexistent/spec.yaml")),
                Arguments.of("status", List.of()),
                Arguments.of("logs", List.of("nosuchrun")),
                Arguments.of("fetch", List.of("nosuchrun")),
                Arguments.of("cancel", List.of("nosuchrun")),
                Arguments.of("list", List.of("--limit", "0")),
                Arguments.of("rerun", List.of("nosuchrun")),
                Arguments.of("doctor", List.of("/nonexistent/spec.yaml")),
                Arguments.of("compare", List.of("/nonexistent/run", "/nonexistent/baseline")),
                Arguments.of("baseline", List.of("/nonexistent/run", "/nonexistent/baseline")),
                Arguments.of("serve", List.of("-t", "nowhere", "--targets", "/nonexistent/targets.yaml")),
                Arguments.of("init", List.of("..")),
                Arguments.of("report", List.of("nosuchrun")),
                Arguments.of("prune", List.of("--older-than", "soon")));
    }

    /**
     * Every command honours -v/--verbose, declared once on the top-level command: a mistake prints pvrun's
     * message, and with -v (after the command or before it) the stack trace too, with the same exit status.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("failingCommands")
    void everyCommandPrintsStackTracesOnlyWithVerbose(String command, List<String> args, @TempDir Path tmp) {
        Map<String, String> env = Map.of("PVRUN_STATE", tmp.resolve("state").toString(), "PVRUN_PVBATCH",
                "/nonexistent/pvbatch");
        List<String> plain = new java.util.ArrayList<>(List.of(command));
        plain.addAll(args);
        Cli.Result quiet = Cli.run(env, plain.toArray(String[]::new));
        assertEquals(2, quiet.exitCode(), quiet.toString());
        assertTrue(quiet.err().startsWith("pvrun: ") || quiet.err().startsWith("/nonexistent/"), quiet.toString());
        assertFalse(quiet.err().contains("\tat "), "stack trace without --verbose:\n" + quiet);
        List<String> after = new java.util.ArrayList<>(plain);
        after.add("--verbose");
        List<String> before = new java.util.ArrayList<>(List.of("-v"));
        before.addAll(plain);
        for (List<String> argv : List.of(after, before)) {
            Cli.Result loud = Cli.run(env, argv.toArray(String[]::new));
            assertEquals(2, loud.exitCode(), argv + "\n" + loud);
            assertTrue(loud.err().contains("\tat org.pvrun."), "no stack trace with " + argv + ":\n" + loud);
            assertTrue(loud.err().startsWith(quiet.err().lines().findFirst().orElseThrow()), argv + "\n" + loud);
        }
    }

    @Test
    void theVerboseTableCoversEveryCommand() {
        java.util.Set<String> rows = new java.util.TreeSet<>(failingCommands().map(a -> (String) a.get()[0]).toList());
        java.util.Set<String> commands = new java.util.TreeSet<>();
        for (Class<?> c : PvrunCommand.COMMANDS) {
            commands.add(c.getAnnotation(picocli.CommandLine.Command.class).name());
        }
        commands.removeAll(List.of("help", "completion")); // nothing to fail: picocli's help, a printed script
        assertEquals(commands, rows, "add a row to failingCommands() for each new command");
        Cli.Result r = Cli.run("completion", "--verbose");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("_complete_pvrun"), r.toString());
    }

    @Test
    void cancelAndRerunNeedTheRunAndNeverTakeTheNewest(@TempDir Path tmp) {
        for (String command : List.of("cancel", "rerun")) {
            Cli.Result r = Cli.run(Map.of("PVRUN_STATE", tmp.toString()), command);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("Missing required parameter: 'RUN'"), r.toString());
            assertTrue(r.err().contains("see 'pvrun " + command + " --help'"), r.toString());
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
