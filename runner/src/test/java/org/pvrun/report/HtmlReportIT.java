package org.pvrun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Chromium;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;
import org.pvrun.testing.Repo;

/**
 * report.html of real pvbatch renders, with a failed task and a failed image comparison, loaded in real
 * headless Chromium: every image decodes, no script error, the run's {@code <script>} param stays text,
 * and a screenshot shows a page (kept in target/report-it/ to look at).
 */
@Tag("integration")
class HtmlReportIT {
    static final Path KEEP = Path.of("target", "report-it").toAbsolutePath();
    /** The check element the page's script fills in on load. */
    static final Pattern CHECK = Pattern.compile("<output id=\"pvrun-check\"([^>]*)>([^<]*)</output>");

    @Test
    void reportOfARealSweepWithARegressionLoadsInChromium(@TempDir Path tmp) throws Exception {
        Chromium chromium = Chromium.require();
        Path results = tmp.resolve("results");
        Path first = render(spec(tmp, "first.yaml", "[140, 180]"), results, 0);
        Path base = tmp.resolve("baselines/report-it");
        Cli.Result b = Cli.run("baseline", first.toString(), base.toString());
        assertEquals(0, b.exitCode(), b.toString());

        // task 0000 as before (passes), 0001 another isovalue (regresses), 0002 a script error (fails)
        Path second = render(spec(tmp, "second.yaml", "[140, 200, not-a-number]"), results, 1);
        Cli.Result c = Cli.run("compare", second.toString(), base.toString());
        assertEquals(1, c.exitCode(), c.toString());
        int images = 2 + 2 + 1; // the run's two images, their two baselines, one difference image

        // beyond the size guard the images are linked by relative path, the baseline's outside the run too
        HtmlReport.write(second, ManifestIO.read(second.resolve(ManifestIO.FILE)), 0);
        String linked = chromium.dumpDom(second.resolve("report.html"));
        assertTrue(linked.contains("id=\"size-guard\""));
        assertCheck(linked, images);

        Cli.Result r = Cli.run("report", second.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path report = Path.of(r.out().strip());
        assertEquals(second.resolve("report.html"), report);
        String html = Files.readString(report);
        assertFalse(html.contains("src=\"./"), "embedded, not linked");
        Files.createDirectories(KEEP);
        Files.copy(report, KEEP.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);

        String dom = chromium.dumpDom(report);
        assertCheck(dom, images);
        assertEquals(1, HtmlReportTest.count(dom, "<script"), "the title param stayed text");
        assertFalse(dom.contains("<script>window.pwned"));
        assertTrue(dom.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"), "shown as text");
        assertTrue(dom.contains("<title>report-it "), "title not rewritten by the param");
        assertTrue(dom.contains("<article class=\"card succeeded\" id=\"task-0000\">"));
        assertTrue(dom.contains("<article class=\"card succeeded regressed\" id=\"task-0001\">"));
        assertTrue(dom.contains("<article class=\"card failed\" id=\"task-0002\">"));
        assertTrue(dom.contains("ValueError"), "the failed task's traceback in its log tail");
        assertTrue(dom.contains("<tr data-field=\"paraview_version\"><th>paraview_version</th><td>5.11"), "provenance");

        // a click on a thumbnail shows it full size; the arrow keys step through the images
        Path click = second.resolve("report-click.html");
        Files.writeString(click, html.replace("</body>", "<script>window.addEventListener('load',function(){"
                + "document.querySelectorAll('img.shot')[1].click();"
                + "document.dispatchEvent(new KeyboardEvent('keydown',{key:'ArrowRight'}))})</script></body>"));
        String clicked = chromium.dumpDom(click);
        assertTrue(clicked.contains("<div id=\"lightbox\"><button"), "lightbox shown");
        assertTrue(clicked.contains("<img id=\"lightbox-img\" alt=\"\" src=\"data:image/png;base64,"), "full-size image set");
        assertTrue(clicked.contains("<figcaption id=\"lightbox-caption\">0001/contour.png · baseline</figcaption>"),
                "the third image after a click on the second and one arrow key");

        Path png = chromium.screenshot(report, KEEP.resolve("report-screenshot.png"), 1280, 2000);
        BufferedImage shot = Images.read(png);
        assertEquals(1280, shot.getWidth());
        assertEquals(2000, shot.getHeight());
        assertTrue(Images.luminanceVariance(shot) > 100, "a page, not a blank: " + Images.luminanceVariance(shot));
        assertTrue(Images.distinctColours(shot, 1000) >= 1000, "renders and text, not flat boxes");
    }

    /** The page's own verdict after load: every image decoded, no script error. */
    private static void assertCheck(String dom, int images) {
        Matcher m = CHECK.matcher(dom);
        assertTrue(m.find(), "no check element in the DOM");
        String attrs = m.group(1);
        assertEquals(String.valueOf(images), attr(attrs, "data-images"), m.group());
        assertEquals(String.valueOf(images), attr(attrs, "data-loaded"), "images decoded: " + m.group());
        assertEquals("0", attr(attrs, "data-errors"), "script errors: " + m.group());
        assertEquals(images + " of " + images + " images shown", m.group(2));
        assertEquals(images, HtmlReportTest.count(dom, "<img class=\"shot\""));
    }

    private static String attr(String attrs, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attrs);
        assertTrue(m.find(), name + " not set (the page's script did not run to the end?): " + attrs);
        return m.group(1);
    }

    private static Path spec(Path dir, String file, String isovalues) throws Exception {
        Path spec = dir.resolve(file);
        Files.writeString(spec, "name: report-it\n"
                + "script: " + Repo.root().resolve("samples/wavelet/contour.py") + "\n"
                + "params:\n"
                + "  width: 320\n"
                + "  height: 240\n"
                + "  title: '<script>window.pwned=1</script> & \"quoted\"'\n"
                + "sweep:\n"
                + "  isovalue: " + isovalues + "\n"
                + "outputs: [\"*.png\"]\n"
                + "timeout: 5m\n");
        return spec;
    }

    private static Path render(Path spec, Path results, int expectedExit) throws Exception {
        Cli.Result r = Cli.run("run", spec.toString(), "-o", results.toString(), "--json");
        assertEquals(expectedExit, r.exitCode(), r.toString());
        Path dir = Path.of(ManifestIO.JSON.readTree(r.out()).get("run_dir").asText());
        assertNotNull(dir);
        return dir;
    }
}
