package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.testing.Cli;

/** {@code pvrun init NAME}: the starter spec and script it writes are valid and really render. */
class InitCommandTest {

    @Test
    void writesSpecAndScriptThatValidate(@TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run("init", "my-fig_1.0", "--dir", dir.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path spec = dir.resolve("my-fig_1.0.yaml");
        Path script = dir.resolve("my-fig_1.0.py");
        assertTrue(r.out().contains("wrote " + spec), r.out());
        assertTrue(r.out().contains("wrote " + script), r.out());
        assertTrue(r.out().contains("next: pvrun " + spec), r.out());
        assertTrue(Files.readString(spec).contains("\nname: my-fig_1.0 "), Files.readString(spec));
        assertTrue(Files.readString(spec).contains("\nscript: my-fig_1.0.py "), Files.readString(spec));
        String py = Files.readString(script);
        assertTrue(py.contains("P = pvrun.params") && py.contains("params.json"), "reads params both ways:\n" + py);
        assertTrue(py.contains("SaveScreenshot('my-fig_1.0.png'"), py);
        assertFalse(py.contains("{{") || Files.readString(spec).contains("{{"), "unsubstituted placeholder");

        Cli.Result v = Cli.run("validate", spec.toString());
        assertEquals(0, v.exitCode(), v.toString());
        assertTrue(v.out().contains("ok (my-fig_1.0, 1 task, 1 rank)"), v.out());
    }

    @Test
    void stateSpecListsTheDataFoundHereAndNotesTheRest(@TempDir Path dir) throws IOException {
        Path gui = Files.createDirectories(dir.resolve("gui"));
        Path state = Files.copy(Path.of("src/test/resources/state/sample.pvsm"), gui.resolve("cavity run.pvsm"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(gui.resolve("ball_" + i + ".vtu"), "");
        }
        Path specs = dir.resolve("specs");
        Cli.Result r = Cli.run("init", "--state", state.toString(), "--dir", specs.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path spec = specs.resolve("cavity-run.yaml");
        assertTrue(r.out().contains("wrote " + spec + "  (the pipeline spec for cavity run.pvsm: 3 of 4 data files found "
                + "here and listed as inputs)"), r.out());
        assertTrue(r.out().contains("not found here: /tmp/pvrun-state-sample/laptop/wave.vti"), r.out());
        String text = Files.readString(spec);
        assertTrue(text.contains("\nstate: \"../gui/cavity run.pvsm\"\ninput_root: \"..\""), text);
        assertTrue(text.contains("\n  - \"../gui/ball_2.vtu\"\n  # not found here: \"/tmp/pvrun-state-sample/laptop/wave.vti\""),
                text);
        assertTrue(text.contains("writes view-0.png (RenderView1), view-1.png (RenderView2)"), text);
        assertFalse(text.contains("{{"), "unsubstituted placeholder:\n" + text);
        Cli.Result v = Cli.run("validate", spec.toString());
        assertEquals(2, v.exitCode(), v.toString());
        assertTrue(v.err().contains("that no input or data matches by base name (add them to inputs: or data:, or map "
                + "them in state_files): /tmp/pvrun-state-sample/laptop/wave.vti"), v.err());

        Files.writeString(gui.resolve("wave.vti"), "");
        Cli.Result again = Cli.run("init", "all-found", "--state", state.toString(), "--dir", specs.toString());
        assertEquals(0, again.exitCode(), again.toString());
        Cli.Result ok = Cli.run("validate", specs.resolve("all-found.yaml").toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("ok (all-found, 1 task, 1 rank)"), ok.out());
    }

    @Test
    void nextCommandIsWhatTheUserTypes() {
        assertEquals("pvrun demo.yaml", InitCommand.nextCommand(Path.of("."), "demo"));
        assertEquals("pvrun paper/figs/demo.yaml", InitCommand.nextCommand(Path.of("paper/figs/"), "demo"));
    }

    @Test
    void createsAMissingDirectory(@TempDir Path dir) {
        Path sub = dir.resolve("paper/figs");
        Cli.Result r = Cli.run("init", "fig3", "-d", sub.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isRegularFile(sub.resolve("fig3.yaml")) && Files.isRegularFile(sub.resolve("fig3.py")));
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"a/b", "..", ".", "with space", "é", "x:y", ""})
    void badNameExits2AndWritesNothing(String name, @TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run("init", name, "--dir", dir.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("bad name '" + name + "'"), r.err());
        assertEquals(List.of(), list(dir));
    }

    @Test
    void refusesToOverwriteAndWritesNothing(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("fig.py"), "mine");
        Cli.Result r = Cli.run("init", "fig", "--dir", dir.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("refusing to overwrite " + dir.resolve("fig.py")), r.err());
        assertEquals(List.of("fig.py"), list(dir), "the spec was written beside the user's script");
        assertEquals("mine", Files.readString(dir.resolve("fig.py")));

        Files.delete(dir.resolve("fig.py"));
        assertEquals(0, Cli.run("init", "fig", "--dir", dir.toString()).exitCode());
        Cli.Result again = Cli.run("init", "fig", "--dir", dir.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains(dir.resolve("fig.yaml") + " and " + dir.resolve("fig.py")), again.err());
    }

    @Test
    void aFileWhereTheDirectoryShouldBeExits2(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("notadir"), "");
        Cli.Result r = Cli.run("init", "fig", "--dir", file.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("is not a directory"), r.err());
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
