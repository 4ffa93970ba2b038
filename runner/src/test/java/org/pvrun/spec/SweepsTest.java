package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Planner;

/** Sweep expansion: products, zips, ranges, pinning with --set, and the mistakes people make. */
class SweepsTest {
    @TempDir
    Path dir;

    PipelineSpec load(String sweep, Map<String, String> set) throws IOException {
        Files.writeString(dir.resolve("s.py"), "");
        Files.writeString(dir.resolve("p.yaml"), "name: p\nscript: s.py\nparams: {width: 640}\nargs: [\"--iso={iso}\"]\n"
                + sweep);
        return new SpecLoader().load(dir.resolve("p.yaml"), set, Map.of());
    }

    @Test
    void productVariesTheLastKeySlowest() throws IOException {
        PipelineSpec s = load("sweep:\n  iso: [100, 200]\n  cam: [front, side, top]\n", Map.of());
        assertEquals(List.of(Map.of("iso", 100L, "cam", "front"), Map.of("iso", 100L, "cam", "side"),
                Map.of("iso", 100L, "cam", "top"), Map.of("iso", 200L, "cam", "front"), Map.of("iso", 200L, "cam", "side"),
                Map.of("iso", 200L, "cam", "top")), s.points());
        Plan p = Planner.plan(s);
        assertEquals(6, p.tasks().size());
        assertEquals(List.of("--iso=200"), p.tasks().get(5).argv());
        assertEquals(640L, p.tasks().get(5).params().get("width"));
    }

    @Test
    void zipPairsListsAndCombinesWithTheRest() throws IOException {
        PipelineSpec s = load("sweep:\n  zip:\n    t: [0, 1, 2]\n    file: [a.vti, b.vti, c.vti]\n  iso: [1, 2]\n", Map.of());
        assertEquals(6, s.points().size());
        assertEquals(Map.of("t", 1L, "file", "b.vti", "iso", 1L), s.points().get(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{from: 0, to: 359, step: 15}   | 24 | 0   | 345",
        "{from: 0, to: 360, step: 15}   | 25 | 0   | 360",
        "{from: 1, to: 3}               | 3  | 1   | 3",
        "{from: 0.5, to: 1.0, step: 0.1} | 6 | 0.5 | 1.0",
        "{from: 10, to: 0, step: -5}    | 3  | 10  | 0",
    })
    void ranges(String range, int count, String first, String last) throws IOException {
        PipelineSpec s = load("sweep:\n  iso: " + range + "\n", Map.of());
        assertEquals(count, s.points().size());
        assertEquals(first, String.valueOf(s.points().get(0).get("iso")));
        assertEquals(last, String.valueOf(s.points().get(count - 1).get("iso")));
    }

    @Test
    void setPinsASweptParam() throws IOException {
        PipelineSpec s = load("sweep:\n  iso: [100, 200]\n  cam: [front, side]\n", Map.of("iso", "150"));
        assertEquals(2, s.points().size());
        assertEquals(150L, Planner.plan(s).tasks().get(1).params().get("iso"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sweep:\\n  iso: []                                   | sweep 'iso' has no values",
        "sweep:\\n  iso: 5                                    | sweep 'iso' must be a list of values or a range",
        "sweep:\\n  iso: {from: 0, to: 10, step: 0}           | never reaches 'to'",
        "sweep:\\n  iso: {from: 10, to: 0, step: 1}           | never reaches 'to'",
        "sweep:\\n  iso: {from: a, to: 10}                    | needs a number for 'from'",
        "sweep:\\n  zip:\\n    a: [1, 2]\\n    b: [1]          | zip lists must have the same length",
        "sweep: [1, 2]                                       | 'sweep' must be a map",
        "sweep:\\n  iso: {from: 0, to: 1000000, step: 1}      | more than 100000",
    })
    void mistakes(String yaml, String expected) {
        SpecException e = assertThrows(SpecException.class, () -> load(yaml.replace("\\n", "\n") + "\n", Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*p\\.yaml:\\d+:\\d+: .*"), "no place in: " + e.getMessage());
    }
}
