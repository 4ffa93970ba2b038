package org.pvrun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.report.ComparisonResult.Status;
import org.pvrun.report.RunFixtures.TaskFixture;
import org.pvrun.results.Manifest;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The JUnit XML, byte for byte, against runner/src/test/resources/golden/junit-*.xml, and parsed back the
 * way a CI server reads it. After an intended format change, regenerate with {@code PVRUN_UPDATE_GOLDEN=1}
 * (or {@code -Dpvrun.updateGolden=true}) and review the diff.
 */
class JUnitReportGoldenTest {

    /** Four tasks (succeeded, failed with a hostile log, cancelled, timed out) and three image comparisons. */
    static Path sweepRun(Path dir) throws IOException {
        Map<String, Object> p0 = new LinkedHashMap<>();
        p0.put("isovalue", 157);
        p0.put("width", 800);
        Map<String, Object> p1 = new LinkedHashMap<>(p0);
        p1.put("isovalue", 200);
        p1.put("title", "a \"quoted\" <title> & more");
        Map<String, Object> p2 = new LinkedHashMap<>(p0);
        p2.put("isovalue", 250);
        StringBuilder longLog = new StringBuilder();
        for (int i = 1; i <= 60; i++) {
            longLog.append("line ").append(i).append('\n');
        }
        longLog.append("Traceback (most recent call last):\n  File \"contour.py\", line 3\n")
                .append("ValueError: bad <isovalue> & \u001b[31mred\u001b[0m ]]> \u0000 done\n");
        return RunFixtures.write(dir, "wavelet-contours", "failed", List.of(
                new TaskFixture("succeeded", null, 0, p0, "rendered contour.png\n",
                        Map.of("contour.png", TestImages.solid(4, 4, TestImages.BACKGROUND))),
                new TaskFixture("failed", "script exited with status 1", 1, p1, longLog.toString(), Map.of()),
                new TaskFixture("cancelled", "interrupted", null, p2, "", Map.of()),
                new TaskFixture("failed", "timed out after 5m", null, Map.of(), "", Map.of())));
    }

    static List<ComparisonResult> comparisons(Path run) {
        Path base = Path.of("/baselines/wavelet-contours");
        return List.of(
                new ComparisonResult("0000/contour.png", Status.PASSED, null, run.resolve("tasks/0000/contour.png"),
                        base.resolve("0000/contour.png"), 800, 600, 3L, 3 / 480000.0, 12, null),
                new ComparisonResult("0001/contour.png", Status.FAILED, "missing from the run (the baseline has "
                        + base.resolve("0001/contour.png") + ")", null, base.resolve("0001/contour.png"),
                        null, null, null, null, null, null),
                new ComparisonResult("0002/contour.png", Status.FAILED,
                        "4.0 % of pixels differ by more than 10 (19200 of 480000, max difference 224); 0.10 % allowed",
                        run.resolve("tasks/0002/contour.png"), base.resolve("0002/contour.png"), 800, 600, 19200L, 0.04,
                        224, run.resolve("compare/0002/contour.diff.png")));
    }

    @Test
    void sweepWithComparisonsMatchesGoldenAndParses(@TempDir Path dir) throws Exception {
        Path run = sweepRun(dir.resolve("run"));
        Manifest m = RunFixtures.manifest(run);
        String xml = JUnitReport.render(m, run, comparisons(run));
        assertGolden("junit-sweep.xml", xml);

        Path file = dir.resolve("reports/junit.xml");
        JUnitReport.write(m, run, comparisons(run), file);
        assertEquals(xml, Files.readString(file, StandardCharsets.UTF_8));
        Document doc = parse(file);
        Element root = doc.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        assertEquals("7", root.getAttribute("tests"));
        assertEquals("4", root.getAttribute("failures"));
        assertEquals("1", root.getAttribute("errors"));
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(7, cases.getLength());
        assertEquals(4, doc.getElementsByTagName("failure").getLength());
        assertEquals(1, doc.getElementsByTagName("error").getLength());
        Element failed = (Element) cases.item(1);
        assertEquals("wavelet-contours", failed.getAttribute("classname"));
        assertEquals("task 0001 (isovalue=200, width=800, title=a \"quoted\" <title> & more)", failed.getAttribute("name"));
        String out = failed.getElementsByTagName("system-out").item(0).getTextContent();
        // colour codes dropped (the shared log tail), other control characters replaced
        assertTrue(out.endsWith("ValueError: bad <isovalue> & red ]]> \uFFFD done"), out);
        assertEquals(JUnitReport.LOG_TAIL_LINES, out.lines().count(), "log tail length");
        Element image = (Element) cases.item(6);
        assertEquals("wavelet-contours.images", image.getAttribute("classname"));
        assertTrue(image.getElementsByTagName("failure").item(0).getTextContent()
                .contains("diff: compare/0002/contour.diff.png"));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "temporary file left behind");
        }
    }

    @Test
    void singleTaskWithoutComparisonsMatchesGolden(@TempDir Path dir) throws Exception {
        Path run = RunFixtures.write(dir.resolve("run"), "quickstart", "succeeded", List.of(new TaskFixture(
                "succeeded", null, 0, Map.of("isovalue", 157), "ok\n", Map.of())));
        String xml = JUnitReport.render(RunFixtures.manifest(run), run, List.of());
        assertGolden("junit-single.xml", xml);
        Document doc = parse(Files.writeString(dir.resolve("j.xml"), xml));
        assertEquals(1, doc.getElementsByTagName("testcase").getLength());
        assertEquals(1, doc.getElementsByTagName("testsuite").getLength());
        assertEquals("7.377", ((Element) doc.getElementsByTagName("testcase").item(0)).getAttribute("time"));
    }

    @Test
    void attributeLineBreaksSurviveParsing(@TempDir Path dir) throws Exception {
        String xml = "<a b=\"" + JUnitReport.attr("one\ntwo\tthree") + "\"/>";
        Document doc = parse(Files.writeString(dir.resolve("a.xml"), xml));
        assertEquals("one\ntwo\tthree", doc.getDocumentElement().getAttribute("b"));
    }

    static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    static void assertGolden(String name, String actual) throws IOException {
        org.pvrun.testing.Golden.assertMatches(name, actual);
    }
}
