package org.pvrun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.report.RunFixtures.TaskFixture;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;

/** report.html from fixture runs: what it contains, how it escapes, when it links instead of embedding. */
class HtmlReportTest {
    static final BufferedImage IMG = TestImages.disc(80, 60, 40, 30, 20);
    static final BufferedImage OTHER = TestImages.disc(80, 60, 30, 30, 12);
    static final BufferedImage CHANGED = TestImages.withBlock(IMG, 30, 20, 20, 20, 0xff00ff00);

    @Test
    void embedsEveryImageOnceAsADataUri(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "sweep", "succeeded", List.of(
                task(Map.of("isovalue", 100, "width", 80), ordered("contour.png", IMG, "views/side.jpg", OTHER)),
                task(Map.of("isovalue", 200, "width", 80), Map.of("contour.png", OTHER))));
        Path file = HtmlReport.write(run, RunFixtures.manifest(run));
        assertEquals(run.toAbsolutePath().resolve("report.html"), file);
        String html = Files.readString(file);

        List<Path> images = List.of(run.resolve("tasks/0000/contour.png"), run.resolve("tasks/0000/views/side.jpg"),
                run.resolve("tasks/0001/contour.png"));
        assertEquals(images.size(), count(html, "<img class=\"shot\""), html);
        assertTrue(html.contains("data-images=\"3\""), "the browser check expects 3 images");
        for (Path img : images) {
            String mime = img.toString().endsWith(".jpg") ? "image/jpeg" : "image/png";
            String uri = "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(img));
            assertEquals(1, count(html, uri), "embedded once: " + img);
        }
        assertFalse(html.contains("src=\"./"), "nothing linked when embedded");
        assertFalse(html.contains("id=\"size-guard\""));
        assertTrue(html.contains("width=\"80\" height=\"60\""), "dimensions read from the image header");

        // the page's skeleton: one card per task, the provenance, inline style and script only
        assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"), html);
        assertTrue(html.contains("<article class=\"card succeeded\" id=\"task-0000\">"), html);
        assertTrue(html.contains("<article class=\"card succeeded\" id=\"task-0001\">"), html);
        assertTrue(html.contains("<section id=\"provenance\">"));
        assertTrue(html.contains("<output id=\"pvrun-check\""));
        assertEquals(1, count(html, "<script"));
        assertEquals(1, count(html, "<style"));
        assertFalse(Pattern.compile("(src|href)=\"(https?:|//)").matcher(html).find(), "no network references");
        assertTrue(html.trim().endsWith("</html>"));

        // the varying param is shown on the card, the constant one only in the details
        assertTrue(html.contains("<span class=\"chip\"><b>isovalue</b>=100</span>"), html);
        assertFalse(html.contains("<b>width</b>"), html);
        assertTrue(html.contains("<tr><th>width</th><td><code>80</code></td></tr>"), html);

        // written again: replaced, no temporary file left behind
        HtmlReport.write(run, RunFixtures.manifest(run));
        try (Stream<Path> s = Files.list(run)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
    }

    @Test
    void everythingFromTheRunIsEscaped(@TempDir Path tmp) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("title", "<script>alert('x')</script>");
        params.put("a&b", "\"q\" <img src=x onerror=alert(3)>");
        String log = "starting\n</pre><script>alert(2)</script>\n\u001b[31mred text\u001b[0m and a \u0000 nul\n";
        Path run = RunFixtures.write(tmp.resolve("run"), "<i>pipe</i>", "failed", List.of(
                new TaskFixture("failed", "<b>boom</b>", 1, params, log, Map.of("contour.png", IMG))));
        String html = Files.readString(HtmlReport.write(run, RunFixtures.manifest(run)));

        assertEquals(1, count(html, "<script"), "only the page's own script");
        assertEquals(2, count(html, "<img "), "the run's image and the (empty) lightbox, nothing else");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertTrue(html.contains("<b>a&amp;b</b>=&quot;q&quot; &lt;img src=x onerror=alert(3)&gt;"), html);
        assertTrue(html.contains("&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), html);
        assertTrue(html.contains("&lt;i&gt;pipe&lt;/i&gt;"), html);
        assertTrue(html.contains("<p class=\"reason\">&lt;b&gt;boom&lt;/b&gt;</p>"), html);
        assertTrue(html.contains("red text and a \uFFFD nul"), "colour codes dropped, NUL replaced: " + html);
        assertFalse(html.contains("\u0000"));
        assertFalse(html.contains("\u001b"));
        // a failed task's card is marked and its details are open
        assertTrue(html.contains("<article class=\"card failed\" id=\"task-0000\">"), html);
        assertTrue(html.contains("<details open>"), html);
    }

    @Test
    void logTailIsTheLast40Lines(@TempDir Path tmp) throws IOException {
        String log = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        Path run = RunFixtures.write(tmp.resolve("run"), "fixture", "succeeded", List.of(
                new TaskFixture("succeeded", null, 0, Map.of(), log, Map.of("contour.png", IMG))));
        String html = Files.readString(HtmlReport.write(run, RunFixtures.manifest(run)));
        assertTrue(html.contains("<pre class=\"log\">line 61\nline 62\n"), html);
        assertTrue(html.contains("line 100</pre>"), html);
        assertFalse(html.contains("line 60\n"), html);
        assertTrue(html.contains("<a href=\"./logs/0000.log\">logs/0000.log</a>"), html);
    }

    @Test
    void pastTheSizeGuardImagesAreLinkedAndThePageSaysSo(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "fixture", "succeeded", List.of(
                task(Map.of("isovalue", 1), Map.of("contour.png", IMG)),
                task(Map.of("isovalue", 2), Map.of("my figure #1.png", OTHER))));
        long total = Files.size(run.resolve("tasks/0000/contour.png")) + Files.size(run.resolve("tasks/0001/my figure #1.png"));
        Manifest m = RunFixtures.manifest(run);

        String embedded = Files.readString(HtmlReport.write(run, m, total));
        assertEquals(2, count(embedded, "src=\"data:image/png;base64,"), "at the limit: still embedded");

        String linked = Files.readString(HtmlReport.write(run, m, total - 1));
        assertFalse(linked.contains("data:image"), linked);
        assertTrue(linked.contains("<img class=\"shot\" alt=\"0000/contour.png\" data-name=\"0000/contour.png\""
                + " width=\"80\" height=\"60\" src=\"./tasks/0000/contour.png\">"), linked);
        assertTrue(linked.contains("src=\"./tasks/0001/my%20figure%20%231.png\""), "a URL, not a raw path: " + linked);
        assertTrue(linked.contains("id=\"size-guard\""), linked);
        assertTrue(linked.contains("linked by relative path"), linked);
        assertTrue(linked.contains("data-images=\"2\""), linked);
    }

    @Test
    void comparedImagesShowBaselineRunAndDiffWithTheNumbers(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "fixture", "succeeded", List.of(
                task(Map.of("isovalue", 1), Map.of("contour.png", CHANGED)),
                task(Map.of("isovalue", 2), Map.of("contour.png", IMG))));
        Path base = RunFixtures.baseline(tmp.resolve("base"),
                Map.of("0000/contour.png", IMG, "0001/contour.png", IMG, "0005/gone.png", OTHER));
        Manifest m = RunFixtures.manifest(run);
        Comparisons.compare(run, m, base, ImageComparison.Thresholds.DEFAULT);
        String html = Files.readString(HtmlReport.write(run, m));

        assertTrue(html.contains("<section id=\"comparison\">"), html);
        assertTrue(html.contains("3 images compared with <code>" + base.toAbsolutePath() + "</code>"
                + " (tolerance 10, max fraction 0.10 %, shift 1): 1 passed, 2 failed."), html);
        assertTrue(html.contains("<a href=\"#cmp-0000-contour-png\">0000/contour.png</a>: 8.3 % of pixels differ"), html);
        assertTrue(html.contains("<article class=\"card succeeded regressed\" id=\"task-0000\">"), html);
        // the run exited 1 for it: the page's header says so, not "succeeded"
        assertTrue(html.contains("<h1>" + m.pipeline() + " <span class=\"badge failed\">regressed</span></h1>"), html);
        assertTrue(html.contains("<span class=\"badge succeeded\">passed</span> <b>0001/contour.png</b>: 0 of 4800 pixels"
                + " differ (0 %), max difference 0"), html);
        // baseline | run | diff for the regression, baseline | run for the pass, baseline only for the image of no task
        for (Path img : List.of(base.resolve("0000/contour.png"), run.resolve("tasks/0000/contour.png"),
                run.resolve("compare/0000/contour.diff.png"), run.resolve("tasks/0001/contour.png"),
                base.resolve("0005/gone.png"))) {
            assertTrue(html.contains(dataUri(img)), "embedded: " + img);
        }
        assertEquals(6, count(html, "<img class=\"shot\""), "run 2 + baseline 3 (0000 and 0001 are the same bytes) + diff 1");
        assertTrue(html.contains("Baseline images of no task in this run"), html);
        int regression = html.indexOf("id=\"cmp-0000-contour-png\"");
        assertTrue(regression > 0);
        String block = html.substring(regression, html.indexOf("</div>\n</div>", regression));
        assertTrue(block.indexOf("(baseline)") < block.indexOf("(this run)")
                && block.indexOf("(this run)") < block.indexOf("(difference)"), "side by side in that order: " + block);
    }

    @Test
    void provenanceShowsEveryManifestFieldIncludingOnesAddedLater(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Manifest m = RunFixtures.manifest(run);
        ObjectNode disk = (ObjectNode) ManifestIO.JSON.readTree(run.resolve(ManifestIO.FILE).toFile());
        disk.put("git_commit", "0123abcd").put("git_dirty", true);
        disk.putObject("future_thing").putArray("nested").add("alpha").add("beta");
        ((ObjectNode) disk.get("tasks").get(0)).put("duration_seconds", 3.25);
        Files.write(run.resolve(ManifestIO.FILE), ManifestIO.JSON.writeValueAsBytes(disk));

        String html = Files.readString(HtmlReport.write(run, m));
        List<String> fields = new ArrayList<>();
        disk.fieldNames().forEachRemaining(fields::add);
        fields.remove("tasks");
        for (String f : fields) {
            assertTrue(html.contains("<tr data-field=\"" + f + "\"><th>" + f + "</th>"), "provenance field " + f + ": " + html);
        }
        assertTrue(html.contains("<td>0123abcd</td>"), html);
        assertTrue(html.contains("<tr><th>nested</th><td><ul class=\"plain\"><li>alpha</li><li>beta</li></ul></td></tr>"), html);
        assertTrue(html.contains("<tr><th>duration seconds</th><td><code>3.25</code></td></tr>"), "task fields too: " + html);
        // known fields come first in reading order, new ones after them
        assertTrue(html.indexOf("data-field=\"pipeline\"") < html.indexOf("data-field=\"paraview_version\"")
                && html.indexOf("data-field=\"pvrun_version\"") < html.indexOf("data-field=\"git_commit\""), html);
    }

    @Test
    void outputsOutsideTheRunDirectoryAreNeitherEmbeddedNorLinked(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        TestImages.write(OTHER, tmp.resolve("secret.png"));
        ObjectNode disk = (ObjectNode) ManifestIO.JSON.readTree(run.resolve(ManifestIO.FILE).toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) disk.get("tasks").get(0).get("outputs")).addObject()
                .put("path", "../secret.png").put("bytes", 1).put("sha256", "0");
        ((ObjectNode) disk.get("tasks").get(0)).put("log", "../../etc/passwd");
        Files.write(run.resolve(ManifestIO.FILE), ManifestIO.JSON.writeValueAsBytes(disk));

        String html = Files.readString(HtmlReport.write(run, RunFixtures.manifest(run)));
        assertEquals(1, count(html, "<img class=\"shot\""), html);
        assertFalse(html.contains(dataUri(tmp.resolve("secret.png"))));
        assertFalse(html.contains("href=\"./../"), html);
        assertTrue(html.contains("<code>../secret.png</code>"), html);
    }

    @Test
    void anUnreadableComparisonIsNotedAndTheRestIsWritten(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Files.createDirectories(run.resolve("compare"));
        Files.writeString(run.resolve("compare/results.json"), "{broken");
        String html = Files.readString(HtmlReport.write(run, RunFixtures.manifest(run)));
        assertTrue(html.contains("compare/results.json could not be read"), html);
        assertEquals(1, count(html, "<img class=\"shot\""));
    }

    @Test
    void escapeDropsWhatHtmlForbidsAndKeepsTheRest() {
        assertEquals("a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39;\tf\n", HtmlReport.escape("a&b <c> \"d\" 'e'\tf\r\n"));
        assertEquals("\uFFFD\uFFFD \uD83D\uDE00 \uFFFD", HtmlReport.escape("\u0001\u007f \uD83D\uDE00 \uD800"));
        assertEquals("", HtmlReport.escape(null));
        assertEquals("./a%20b/%23c%3F.png", HtmlReport.url("a b/#c?.png"));
    }

    private static TaskFixture task(Map<String, Object> params, Map<String, BufferedImage> images) {
        return new TaskFixture("succeeded", null, 0, new LinkedHashMap<>(params), "rendered\n", images);
    }

    private static Map<String, BufferedImage> ordered(String a, BufferedImage ia, String b, BufferedImage ib) {
        Map<String, BufferedImage> m = new LinkedHashMap<>();
        m.put(a, ia);
        m.put(b, ib);
        return m;
    }

    static String dataUri(Path img) throws IOException {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(img));
    }

    static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** A split animation's run: the movie linked (too large to embed), its frames and hash, the contact sheet shown. */
    @Test
    void showsTheMovieAndItsContactSheet(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "orbit", "succeeded", List.of(
                task(Map.of(), Map.of("frames/orbit.0000.png", IMG)), task(Map.of(), Map.of("frames/orbit.0001.png", OTHER))));
        Files.createDirectories(run.resolve("movie"));
        javax.imageio.ImageIO.write(IMG, "png", run.resolve("movie/orbit.contact.png").toFile());
        Files.write(run.resolve("movie/orbit.mp4"), new byte[2048]);
        ObjectNode json = (ObjectNode) ManifestIO.JSON.readTree(run.resolve("manifest.json").toFile());
        json.putObject("movie").put("frames", "movie/frames").put("frame_count", 2).put("file", "movie/orbit.mp4")
                .put("bytes", 2048).put("sha256", "ab".repeat(32)).put("fps", 24)
                .put("contact_sheet", "movie/orbit.contact.png").put("contact_sheet_sha256", "cd".repeat(32));
        Files.write(run.resolve("manifest.json"), ManifestIO.JSON.writeValueAsBytes(json));
        String html = Files.readString(HtmlReport.write(run, ManifestIO.read(run.resolve("manifest.json"))));
        assertTrue(html.contains("<section id=\"movie\"><h2>Movie</h2>"), html);
        assertTrue(html.contains("<a href=\"#movie\">movie</a>"), "the header links to it");
        assertTrue(html.contains("2 frames in <code>movie/frames</code> at 24 frames a second"), html);
        assertTrue(html.contains("<video controls preload=\"metadata\"><source src=\"./movie/orbit.mp4\" type=\"video/mp4\">"), html);
        assertTrue(html.contains("sha256 " + "ab".repeat(32)), html);
        String section = html.substring(html.indexOf("<section id=\"movie\">"), html.indexOf("<section id=\"tasks\">"));
        assertTrue(section.contains("data:image/png;base64,"), "the contact sheet is embedded like the task images");
        assertTrue(section.contains("contact sheet"), section);
    }

    @Test
    void aRunWithoutAMovieHasNoMovieSection(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        String html = Files.readString(HtmlReport.write(run, RunFixtures.manifest(run)));
        assertFalse(html.contains("id=\"movie\""), html);
        assertFalse(html.contains("href=\"#movie\""), html);
    }
}
