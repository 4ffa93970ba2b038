package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pvrun.ExitCode;
import org.pvrun.testing.BadSpecs;

/**
 * Table test over the corpus in src/test/resources/specs/bad ({@link BadSpecs}): loading each must fail with
 * exit 2 and the message its first line expects, at that place.
 */
class SpecLoaderTest {
    static final Path SPECS = Path.of("src/test/resources/specs");

    static Stream<Path> badSpecs() throws IOException {
        return BadSpecs.files();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badInputIsRefusedWithPlaceAndReason(Path file) throws IOException {
        SpecException e = assertThrows(SpecException.class, () -> new SpecLoader().load(file, Map.of()));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        String message = e.getMessage();
        String expected = BadSpecs.expectedText(file, file.toString());
        assertTrue(message.contains(expected), "expected '" + expected + "' in:\n" + message);
        assertTrue(message.startsWith(file.toString()), "message must name the file: " + message);
    }

    @Test
    void animationTimesAllSplitsTheScriptsScreenshots() {
        AnimationSpec a = new SpecLoader().load(SPECS.resolve("good/animation-times.yaml"), Map.of()).animation();
        assertEquals(3, a.split());
        assertEquals(AnimationSpec.TIMES_ALL, a.times());
    }

    @Test
    void fullSpecLoadsEveryField() {
        PipelineSpec s = new SpecLoader().load(SPECS.resolve("good/full.yaml"), Map.of());
        assertEquals("wavelet-contours", s.name());
        assertEquals(SPECS.resolve("script.py").toAbsolutePath().normalize(), s.script());
        assertTrue(s.paraview().isSatisfiedBy("5.11.0"));
        assertEquals(157L, s.params().get("isovalue"));
        assertEquals("a b", s.params().get("label"));
        assertEquals(2, s.ranks());
        assertEquals(List.of("a.vti", "b.vti"), s.inputs().stream().map(PipelineSpec.InputFile::name).toList());
        assertEquals(List.of("*.png", "extracts/**"), s.outputs());
        assertEquals(Duration.ofMinutes(20), s.timeout());
        assertEquals(Display.XVFB, s.display());
        assertEquals(Map.of("partition", "general", "time", "00:30:00"), s.resources());
        assertEquals(64, s.specSha256().length());
    }

    @Test
    void stateSpecTakesTheStateAsItsScriptAndMatchesItsData() {
        PipelineSpec s = new SpecLoader().load(SPECS.resolve("good/state.yaml"), Map.of());
        assertEquals(Path.of("src/test/resources/state/sample.pvsm").toAbsolutePath().normalize(), s.script());
        assertEquals("5.11.0", s.state().file().version());
        assertEquals(List.of(640, 480), s.state().resolution());
        assertEquals(StateSpec.LAYOUT, s.state().views());
        assertEquals(Map.of("/tmp/pvrun-state-sample/laptop/wave.vti", "a.vti"), s.state().files());
        assertEquals(null, new SpecLoader().load(SPECS.resolve("good/minimal.yaml"), Map.of()).state());
    }

    @Test
    void minimalSpecGetsDefaults() {
        PipelineSpec s = new SpecLoader().load(SPECS.resolve("good/minimal.yaml"), Map.of());
        assertEquals(1, s.ranks());
        assertEquals("local", s.target());
        assertEquals(Display.AUTO, s.display());
        assertEquals(List.of(), s.outputs());
        assertEquals(null, s.timeout());
    }

    @Test
    void setOverridesAreTypedLikeYaml() {
        PipelineSpec s = new SpecLoader().load(SPECS.resolve("good/full.yaml"),
                Map.of("isovalue", "180.5", "label", "$(touch canary)", "frames", "[1, 2]"));
        assertEquals(180.5, s.params().get("isovalue"));
        assertEquals("$(touch canary)", s.params().get("label"));
        assertEquals(List.of(1L, 2L), s.params().get("frames"));
    }

    @Test
    void setOfUnknownParamSuggestsTheNearest() {
        SpecException e = assertThrows(SpecException.class,
                () -> new SpecLoader().load(SPECS.resolve("good/full.yaml"), Map.of("isovalu", "1")));
        assertEquals("--set isovalu: no param 'isovalu' in the spec; did you mean 'isovalue'?", e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("p.yaml");
        Files.writeString(spec, "name: a/b\nscript: missing.py\nranks: 0\n");
        SpecException e = assertThrows(SpecException.class, () -> new SpecLoader().load(spec, Map.of()));
        assertEquals(3, e.errors().size(), e.getMessage());
    }

    @Test
    void hugeFileIsRefusedBeforeParsing(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("huge.yaml");
        Files.writeString(spec, "name: x\nscript: s.py\ndescription: \"" + "a".repeat(YamlReader.MAX_BYTES) + "\"\n");
        SpecException e = assertThrows(SpecException.class, () -> new SpecLoader().load(spec, Map.of()));
        assertTrue(e.getMessage().contains("may be at most 1048576 bytes"), e.getMessage());
    }

    @Test
    void inputsStayInsideTheSpecsFolderUnlessInputRootWidensIt(@TempDir Path dir) throws IOException {
        Path specDir = Files.createDirectories(dir.resolve("project/pipelines"));
        Files.writeString(specDir.resolve("s.py"), "");
        Files.createDirectories(dir.resolve("project/data"));
        Files.writeString(dir.resolve("project/data/wave.vti"), "w");
        Files.createDirectories(dir.resolve(".ssh"));
        Files.writeString(dir.resolve(".ssh/id_ed25519"), "k");
        Path spec = specDir.resolve("p.yaml");
        String head = "name: p\nscript: s.py\n";

        Files.writeString(spec, head + "inputs: [../data/*.vti]\n");
        SpecException e = assertThrows(SpecException.class, () -> new SpecLoader().load(spec, Map.of()));
        assertTrue(e.getMessage().contains("p.yaml:3:10: input glob '../data/*.vti' reaches outside the spec's folder "
                + specDir.toAbsolutePath() + "; allow a wider folder with input_root"), e.getMessage());

        Files.writeString(spec, head + "inputs: [../data/*.vti]\ninput_root: ..\n");
        assertEquals(List.of("wave.vti"), new SpecLoader().load(spec, Map.of()).inputs().stream()
                .map(PipelineSpec.InputFile::name).toList());

        // input_root widens to one folder, not to everything: neither a glob climbing out of it nor an absolute path
        for (String glob : List.of("../../.ssh/*", "../data/../../.ssh/id_ed25519", dir.resolve(".ssh/*").toString())) {
            Files.writeString(spec, head + "inputs: [\"" + glob + "\"]\ninput_root: ..\n");
            SpecException outside = assertThrows(SpecException.class, () -> new SpecLoader().load(spec, Map.of()));
            assertTrue(outside.getMessage().contains("reaches outside input_root " + dir.resolve("project")), outside.getMessage());
        }
        // an absolute input_root allows absolute globs under it
        Files.writeString(spec, head + "inputs: [\"" + dir.resolve("project/data/*.vti") + "\"]\ninput_root: \""
                + dir.resolve("project/data") + "\"\n");
        assertEquals(1, new SpecLoader().load(spec, Map.of()).inputs().size());
    }
}
