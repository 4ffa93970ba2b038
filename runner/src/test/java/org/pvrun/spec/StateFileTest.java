package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading a ParaView state: a real one (src/test/resources/state/sample.pvsm, saved by pvpython 5.11 with
 * make-sample.py beside it) and small texts for what a real one rarely shows.
 */
class StateFileTest {
    static final Path SAMPLE = Path.of("src/test/resources/state/sample.pvsm");
    static final String LAPTOP = "/tmp/pvrun-state-sample/laptop/";

    @Test
    void aRealStateGivesItsVersionReadersViewsAndLayout() throws Exception {
        StateFile s = StateFile.parse(Files.readAllBytes(SAMPLE));
        assertEquals("5.11.0", s.version());
        assertEquals(List.of(
                new StateFile.Reader("947", "balls", "XMLUnstructuredGridReader", "FileName",
                        List.of(LAPTOP + "ball_0.vtu", LAPTOP + "ball_1.vtu", LAPTOP + "ball_2.vtu")),
                new StateFile.Reader("971", "wave", "XMLImageDataReader", "FileName", List.of(LAPTOP + "wave.vti"))),
                s.readers(), "FileNameInfo (the first file again) is no data file of its own");
        assertEquals(List.of(LAPTOP + "ball_0.vtu", LAPTOP + "ball_1.vtu", LAPTOP + "ball_2.vtu", LAPTOP + "wave.vti"),
                s.dataFiles());
        assertEquals(List.of("RenderView1", "RenderView2"), s.views());
        assertEquals(List.of("two views"), s.layouts());
    }

    static String state(String version, String body) {
        return "<?xml version=\"1.0\"?>\n<GenericParaViewApplication>\n  <ServerManagerState"
                + (version == null ? "" : " version=\"" + version + "\"") + ">\n" + body
                + "  </ServerManagerState>\n</GenericParaViewApplication>\n";
    }

    static String reader(String id, String group, String property, String... files) {
        StringBuilder b = new StringBuilder("<Proxy group=\"" + group + "\" type=\"R\" id=\"" + id + "\">"
                + "<Property name=\"" + property + "\" id=\"" + id + "." + property + "\">");
        for (int i = 0; i < files.length; i++) {
            b.append("<Element index=\"").append(i).append("\" value=\"").append(files[i]).append("\"/>");
        }
        return b.append("</Property></Proxy>\n").toString();
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("FileNames, as a series reader names them", state("5.9.1", reader("1", "sources",
                        "FileNames", "/a/x_0.vtk", "/a/x_1.vtk")), "5.9.1", List.of("/a/x_0.vtk", "/a/x_1.vtk")),
                Arguments.of("no version attribute", state(null, reader("1", "sources", "FileName", "/a/x.vtu")),
                        null, List.of("/a/x.vtu")),
                Arguments.of("a reader with an empty file name names none", state("5.11.0", reader("1", "sources",
                        "FileName", "")), "5.11.0", List.of()),
                Arguments.of("not a source: a writer's or an extractor's FileName is no input", state("5.11.0",
                        reader("1", "extractor_writers", "FileName", "out.png")), "5.11.0", List.of()),
                Arguments.of("two readers of one file: listed once", state("5.10.1", reader("1", "sources", "FileName",
                        "C:\\Users\\a\\x.vtu") + reader("2", "sources", "FileName", "C:\\Users\\a\\x.vtu")), "5.10.1",
                        List.of("C:\\Users\\a\\x.vtu")),
                Arguments.of("a bare ServerManagerState (pvpython's older saves)", "<ServerManagerState version=\"5.9.0\">"
                        + reader("1", "sources", "FileName", "/a/x.vtu") + "</ServerManagerState>", "5.9.0",
                        List.of("/a/x.vtu")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void statesAsText(String what, String xml, String version, List<String> files) {
        StateFile s = StateFile.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(version, s.version(), what);
        assertEquals(files, s.dataFiles(), what);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("import sys\n", "not an XML file"),
                Arguments.of("<GenericParaViewApplication/>", "no ServerManagerState element"),
                Arguments.of("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                        + "<ServerManagerState>&e;</ServerManagerState>", "DOCTYPE"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refused")
    void notAStateIsRefusedWithTheReason(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateFile.parse(text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
