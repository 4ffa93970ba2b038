package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/**
 * Table test over the corpus in src/test/resources/specs/bad: each file's first line says
 * "# expect: LINE:COL: message" (or just a message fragment) and loading must fail with exit 2 and that
 * message at that place.
 */
class SpecLoaderTest {
    static final Path SPECS = Path.of("src/test/resources/specs");

    static Stream<Path> badSpecs() throws IOException {
        return Files.list(SPECS.resolve("bad")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badInputIsRefusedWithPlaceAndReason(Path file) throws IOException {
        String first = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("# expect: "), "corpus file needs an expectation: " + file);
        String expected = first.substring("# expect: ".length());
        SpecException e = assertThrows(SpecException.class, () -> new SpecLoader().load(file, Map.of()));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        String message = e.getMessage();
        if (Character.isDigit(expected.charAt(0))) {
            assertTrue(message.contains(file + ":" + expected), "expected '" + file + ":" + expected + "' in:\n" + message);
        } else {
            assertTrue(message.contains(expected), "expected '" + expected + "' in:\n" + message);
            assertTrue(message.startsWith(file.toString()), "message must name the file: " + message);
        }
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
}
