package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;

/** A state's data matched with the run's resolved data, and the version it was saved with against the target's. */
class StateFilesTest {
    static final PipelineSpec SPEC = new SpecLoader().load(Path.of("src/test/resources/specs/good/state.yaml"), Map.of());
    static final String LAPTOP = "/tmp/pvrun-state-sample/laptop/";

    static List<Manifest.DataRecord> balls(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new Manifest.DataRecord("ball_" + i + ".vtu",
                "/srv/sim/ball_" + i + ".vtu", "file", 1, "2026-12-02T00:00:00Z", null)).toList();
    }

    @ParameterizedTest(name = "saved by 5.11.0, target {0}: warned {1}")
    @CsvSource({"5.11.0, false", "5.11.2, false", "5.10.1, true", "6.0.0, true"})
    void warnsWhenTheTargetIsAnotherMinorVersion(String target, boolean warned) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunRecord.StateRecord r = StateFiles.prepare(SPEC, balls(3), "hopper", target,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(warned ? "pvrun: warning: sample.pvsm was saved by ParaView 5.11.0, target hopper has " + target
                + "; ParaView loads older states, but what a view shows may differ\n" : "", text);
        assertEquals("5.11.0", r.savedWith());
        assertEquals(Map.of(LAPTOP + "ball_0.vtu", "ball_0.vtu", LAPTOP + "ball_1.vtu", "ball_1.vtu",
                LAPTOP + "ball_2.vtu", "ball_2.vtu", LAPTOP + "wave.vti", "a.vti"), r.files());
        assertEquals(List.of(640, 480), r.resolution());
    }

    @Test
    void aFileTheResolvedDataLacksIsExit2NamingIt() {
        PvrunException e = assertThrows(PvrunException.class, () -> StateFiles.prepare(SPEC, balls(2), "hopper", "5.11.0",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().endsWith("state.yaml:2:8: the state names 1 data file that no input or data matches "
                + "by base name (add them to inputs: or data:, or map them in state_files): " + LAPTOP + "ball_2.vtu\n"
                + "nothing was submitted"), e.getMessage());
    }
}
