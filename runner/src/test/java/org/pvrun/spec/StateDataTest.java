package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Matching a state's data files with the names in a task folder. */
class StateDataTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("by base name", List.of("/home/a/sim/x.vtu"), List.of("x.vtu", "y.vtu"), Map.of(),
                        Map.of("/home/a/sim/x.vtu", "x.vtu"), List.of()),
                Arguments.of("an input in a sub-folder", List.of("/home/a/sim/run1/x.vtu"), List.of("run1/x.vtu"), Map.of(),
                        Map.of("/home/a/sim/run1/x.vtu", "run1/x.vtu"), List.of()),
                Arguments.of("two of one base name: the one with more folders in common", List.of("/h/run2/x.vtu"),
                        List.of("run1/x.vtu", "run2/x.vtu"), Map.of(), Map.of("/h/run2/x.vtu", "run2/x.vtu"), List.of()),
                Arguments.of("two of one base name and nothing to choose by", List.of("/h/x.vtu"),
                        List.of("run1/x.vtu", "run2/x.vtu"), Map.of(), Map.of(),
                        List.of("the state's /h/x.vtu matches several inputs (run1/x.vtu, run2/x.vtu); say which in state_files")),
                Arguments.of("a Windows path", List.of("C:\\Users\\a\\x.vtu"), List.of("x.vtu"), Map.of(),
                        Map.of("C:\\Users\\a\\x.vtu", "x.vtu"), List.of()),
                Arguments.of("state_files renames", List.of("/h/old.vtu"), List.of("new.vtu"), Map.of("/h/old.vtu", "new.vtu"),
                        Map.of("/h/old.vtu", "new.vtu"), List.of()),
                Arguments.of("state_files into a linked data folder", List.of("/h/x.vtu"), List.of("sim"),
                        Map.of("/h/x.vtu", "sim/x.vtu"), Map.of("/h/x.vtu", "sim/x.vtu"), List.of()),
                Arguments.of("state_files to no input", List.of("/h/x.vtu"), List.of("x.vtu"), Map.of("/h/x.vtu", "z.vtu"),
                        Map.of(), List.of("state_files maps /h/x.vtu to 'z.vtu', which is no input or data name")),
                Arguments.of("missing ones named, all of them", List.of("/h/a.vtu", "/h/b.vtu", "/h/c.vtu"), List.of("b.vtu"),
                        Map.of(), Map.of("/h/b.vtu", "b.vtu"), List.of("the state names 2 data files that no input or data "
                                + "matches by base name (add them to inputs: or data:, or map them in state_files): "
                                + "/h/a.vtu, /h/c.vtu")),
                Arguments.of("a folder of the same name is no match", List.of("/h/x.vtu/y"), List.of("x.vtu"), Map.of(),
                        Map.of(), List.of("the state names 1 data file that no input or data matches by base name (add "
                                + "them to inputs: or data:, or map them in state_files): /h/x.vtu/y")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches(String what, List<String> state, List<String> names, Map<String, String> map,
            Map<String, String> files, List<String> problems) {
        StateData.Match m = StateData.match(state, names, map);
        assertEquals(files, m.files(), what);
        assertEquals(problems, m.problems(), what);
    }
}
