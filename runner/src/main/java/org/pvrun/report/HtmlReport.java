package org.pvrun.report;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Versions;

/**
 * {@code RUN/report.html}: one self-contained page to look at a run without a terminal (docs/report.md). A
 * gallery with one card per task (its images as thumbnails that enlarge on click, its params, status, exit
 * code, attempts, reuse and the end of its log), the baseline and difference images beside the run's image
 * where {@code RUN/compare/results.json} exists, and the provenance: every field of the manifest.
 *
 * <p>Images are embedded as {@code data:} URIs so the file can be mailed or archived on its own, and a
 * thumbnail is the same element scaled by CSS (each image is in the page once). Past
 * {@link #EMBED_LIMIT_BYTES} of images in total the page links them by relative path instead and says so.
 * Nothing is fetched from the network: style and script are inline.
 *
 * <p>Every text from the manifest, the logs or the comparison passes through {@link #escape}; nothing
 * from them is put into the script or the style. The provenance is rendered from the manifest as JSON, so
 * fields added to the manifest later appear without a change here.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";
    /** Above this many bytes of images in total, images are linked by relative path instead of embedded. */
    public static final long EMBED_LIMIT_BYTES = 50L * 1024 * 1024;
    static final int LOG_TAIL_LINES = 40;
    static final int LOG_TAIL_BYTES = 64 * 1024;
    /** What a browser shows: the gallery's images. Other outputs are listed as links. */
    static final Map<String, String> WEB_IMAGES = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");
    /** The manifest's fields in the order people read them; any other field follows, in the manifest's order. */
    static final List<String> PROVENANCE_ORDER = List.of("pipeline", "run_id", "status", "target", "scheduler",
            "transport", "paraview_version", "paraview_constraint", "spec", "spec_sha256", "script", "script_sha256",
            "inputs", "ranks", "display", "command", "host", "job_ids", "nodes", "remote_dir", "setup", "started",
            "finished", "duration_seconds", "pvrun_version", "manifest_version");
    /** Task fields the card lays out itself; any other is shown in the task's details table. */
    static final Set<String> TASK_FIELDS = Set.of("index", "params", "argv", "status", "exit_code", "reason", "log",
            "key", "reused_from", "attempts", "outputs");
    private static final ObjectWriter COMPACT = ManifestIO.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);
    /** Terminal colour and cursor sequences (CSI and two-character escapes) that logs carry. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B[@-Z\\\\-_]");

    private HtmlReport() {}

    /** Writes {@code RUN/report.html} atomically (temporary file, rename) and returns its path. */
    public static Path write(Path runDir, Manifest m) throws IOException {
        return write(runDir, m, EMBED_LIMIT_BYTES);
    }

    /** As {@link #write(Path, Manifest)}, embedding images only while they total at most {@code embedLimit} bytes. */
    static Path write(Path runDir, Manifest m, long embedLimit) throws IOException {
        Path dir = runDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve("." + FILE + "." + ProcessHandle.current().pid() + "." + Long.toHexString(System.nanoTime())
                + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                new Page(dir, m, embedLimit, raw).render();
                raw.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /** An image the page shows: its file, size in bytes and pixel dimensions (null when unknown). */
    record Shown(Path file, String mime, long bytes, int[] pixels) {}

    /** What {@code RUN/compare/results.json} says, or why it could not be read. */
    record Compared(JsonNode root, List<ComparisonResult> results, String error) {}

    /** One rendering of the page; holds the stream it writes to. */
    private static final class Page {
        final Path runDir;
        final Manifest m;
        final ObjectNode json;
        final Compared compared;
        final Map<Path, Shown> images = new LinkedHashMap<>();
        final long totalBytes;
        final boolean embed;
        final long embedLimit;
        final OutputStream raw;
        final Writer w;
        /** How many {@code <img class="shot">} the page has so far; the browser check compares its count with it. */
        int imageElements;

        Page(Path runDir, Manifest m, long embedLimit, OutputStream raw) {
            this.runDir = runDir;
            this.m = m;
            this.json = manifestJson(runDir, m);
            this.compared = readComparison(runDir);
            this.embedLimit = embedLimit;
            this.raw = raw;
            this.w = new OutputStreamWriter(new NonClosing(raw), StandardCharsets.UTF_8);
            for (Manifest.TaskRecord t : tasks()) {
                for (Manifest.OutputRecord o : outputs(t)) {
                    Path f = runDir.resolve(o.path()).normalize();
                    if (f.startsWith(runDir)) {
                        shown(f);
                    }
                }
            }
            for (ComparisonResult c : compared.results()) {
                shown(c.baseline());
                shown(c.image());
                shown(c.diffImage());
            }
            this.totalBytes = images.values().stream().mapToLong(Shown::bytes).sum();
            this.embed = totalBytes <= embedLimit;
        }

        List<Manifest.TaskRecord> tasks() {
            return m.tasks() == null ? List.of() : m.tasks();
        }

        /** Registers a file the page may show as an image; null when it is not one the browser can show. */
        Shown shown(Path file) {
            if (file == null) {
                return null;
            }
            Path f = file.toAbsolutePath().normalize();
            Shown s = images.get(f);
            if (s != null) {
                return s;
            }
            String mime = WEB_IMAGES.get(extension(f.getFileName().toString()));
            if (mime == null || !Files.isRegularFile(f)) {
                return null;
            }
            try {
                s = new Shown(f, mime, Files.size(f), dimensions(f));
            } catch (IOException e) {
                return null;
            }
            images.put(f, s);
            return s;
        }

        void render() throws IOException {
            String title = m.pipeline() + " " + m.runId();
            w.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    + "<meta name=\"generator\" content=\"pvrun " + escape(Versions.pvrun()) + "\">\n<title>"
                    + escape(title) + " · pvrun report</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n");
            header();
            notices();
            comparisonSummary();
            gallery();
            provenance();
            w.write("<footer><p>Written by pvrun " + escape(Versions.pvrun()) + " at "
                    + escape(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()) + " from "
                    + link(ManifestIO.FILE, ManifestIO.FILE) + ". "
                    + (embed ? "Self-contained: " + images.size() + " image" + plural(images.size()) + " ("
                            + bytes(totalBytes) + ") embedded."
                            : "Images linked by relative path.")
                    + "</p>\n<p><output id=\"pvrun-check\" data-images=\"" + imageElements
                    + "\">checking images…</output></p></footer>\n");
            w.write("<div id=\"lightbox\" hidden><button type=\"button\" id=\"lightbox-close\" aria-label=\"close\">×</button>"
                    + "<figure><img id=\"lightbox-img\" alt=\"\"><figcaption id=\"lightbox-caption\"></figcaption></figure></div>\n");
            w.write("<script>" + JS + "</script>\n</body>\n</html>\n");
            w.flush();
        }

        void header() throws IOException {
            List<Manifest.TaskRecord> tasks = tasks();
            Map<String, Integer> byStatus = new TreeMap<>();
            for (Manifest.TaskRecord t : tasks) {
                byStatus.merge(Objects.toString(t.status(), "unknown"), 1, Integer::sum);
            }
            StringBuilder counts = new StringBuilder();
            byStatus.forEach((s, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(n).append(' ').append(s));
            w.write("<header>\n<h1>" + escape(m.pipeline()) + " <span class=\"badge " + statusClass(m.status()) + "\">"
                    + escape(m.status()) + "</span></h1>\n<p class=\"sub\">run <code>" + escape(m.runId()) + "</code>"
                    + " · " + tasks.size() + " task" + plural(tasks.size())
                    + (counts.length() > 0 ? " (" + escape(counts.toString()) + ")" : "")
                    + " · on <b>" + escape(m.target()) + "</b>"
                    + (m.scheduler() != null ? " (" + escape(m.scheduler()) + ")" : "")
                    + (m.paraviewVersion() != null ? " · ParaView " + escape(m.paraviewVersion()) : "")
                    + (m.started() != null ? " · " + escape(m.started()) : "")
                    + (m.durationSeconds() != null ? " · " + escape(seconds(m.durationSeconds())) : "")
                    + "</p>\n<nav><a href=\"#tasks\">tasks</a>"
                    + (compared.results().isEmpty() && compared.error() == null ? "" : " · <a href=\"#comparison\">comparison</a>")
                    + " · <a href=\"#provenance\">provenance</a></nav>\n</header>\n");
        }

        void notices() throws IOException {
            if (!embed) {
                w.write("<p class=\"notice\" id=\"size-guard\">The images total " + bytes(totalBytes)
                        + ", more than the " + bytes(embedLimit) + " this page embeds, so they are <b>linked by"
                        + " relative path</b> rather than embedded: open this page from its run directory (" + "<code>"
                        + escape(runDir.toString()) + "</code>), or copy the directory with it.</p>\n");
            }
        }

        void comparisonSummary() throws IOException {
            if (compared.error() != null) {
                w.write("<section id=\"comparison\"><h2>Comparison</h2><p class=\"notice\">"
                        + escape(compared.error()) + "</p></section>\n");
                return;
            }
            if (compared.results().isEmpty()) {
                return;
            }
            JsonNode r = compared.root();
            long failed = compared.results().stream().filter(c -> !c.passed()).count();
            w.write("<section id=\"comparison\"><h2>Comparison with a baseline <span class=\"badge "
                    + (failed == 0 ? "succeeded\">passed" : "failed\">" + failed + " regressed") + "</span></h2>\n"
                    + "<p>" + compared.results().size() + " image" + plural(compared.results().size()) + " compared with <code>"
                    + escape(r.path("baseline_dir").asText("?")) + "</code> (" + escape(thresholds(r)) + "): "
                    + (compared.results().size() - failed) + " passed, " + failed + " failed.</p>\n");
            if (failed > 0) {
                w.write("<ul class=\"regressions\">\n");
                for (ComparisonResult c : compared.results()) {
                    if (!c.passed()) {
                        w.write("<li><a href=\"#" + escape(anchor(c.name())) + "\">" + escape(c.name()) + "</a>: "
                                + escape(c.reason()) + "</li>\n");
                    }
                }
                w.write("</ul>\n");
            }
            w.write("</section>\n");
        }

        void gallery() throws IOException {
            List<Manifest.TaskRecord> tasks = tasks();
            Map<String, List<ComparisonResult>> byTask = new TreeMap<>();
            for (ComparisonResult c : compared.results()) {
                byTask.computeIfAbsent(taskOf(c.name()), k -> new ArrayList<>()).add(c);
            }
            Set<String> varying = varyingParams(tasks);
            ArrayNode taskJson = json.path("tasks").isArray() ? (ArrayNode) json.get("tasks") : ManifestIO.JSON.createArrayNode();
            w.write("<section id=\"tasks\"><h2>Tasks and images</h2>\n");
            if (tasks.isEmpty()) {
                w.write("<p>The manifest lists no tasks.</p>\n");
            }
            w.write("<div class=\"gallery\">\n");
            for (int i = 0; i < tasks.size(); i++) {
                Manifest.TaskRecord t = tasks.get(i);
                String id = String.format(Locale.ROOT, "%04d", t.index());
                card(t, id, varying, byTask.remove(id), i < taskJson.size() ? taskJson.get(i) : null);
            }
            w.write("</div>\n");
            List<ComparisonResult> other = new ArrayList<>();
            byTask.values().forEach(other::addAll);
            if (!other.isEmpty()) {
                w.write("<h3>Baseline images of no task in this run</h3>\n<div class=\"gallery\">\n");
                for (ComparisonResult c : other) {
                    w.write("<article class=\"card failed\">");
                    comparison(c);
                    w.write("</article>\n");
                }
                w.write("</div>\n");
            }
            w.write("</section>\n");
        }

        void card(Manifest.TaskRecord t, String id, Set<String> varying, List<ComparisonResult> comparisons,
                JsonNode taskNode) throws IOException {
            String status = Objects.toString(t.status(), "unknown");
            boolean regressed = comparisons != null && comparisons.stream().anyMatch(c -> !c.passed());
            w.write("<article class=\"card " + statusClass(status) + (regressed ? " regressed" : "") + "\" id=\"task-"
                    + id + "\">\n<h3><a href=\"#task-" + id + "\">task " + id + "</a> <span class=\"badge "
                    + statusClass(status) + "\">" + escape(status) + "</span>"
                    + (t.reusedFrom() != null ? " <span class=\"badge reused\">reused</span>" : "")
                    + (regressed ? " <span class=\"badge failed\">regressed</span>" : "") + "</h3>\n");
            Map<String, Object> params = t.params() == null ? Map.of() : t.params();
            StringBuilder chips = new StringBuilder();
            params.forEach((k, v) -> {
                if (varying.contains(k)) {
                    chips.append("<span class=\"chip\"><b>").append(escape(k)).append("</b>=")
                            .append(escape(value(v))).append("</span> ");
                }
            });
            if (chips.length() > 0) {
                w.write("<p class=\"params\">" + chips.toString().strip() + "</p>\n");
            }
            if (t.reason() != null && !"succeeded".equals(status)) {
                w.write("<p class=\"reason\">" + escape(t.reason()) + "</p>\n");
            }

            // the task's images, each with its comparison when there is one
            Map<String, ComparisonResult> byName = new LinkedHashMap<>();
            if (comparisons != null) {
                comparisons.forEach(c -> byName.put(c.name(), c));
            }
            List<Manifest.OutputRecord> others = new ArrayList<>();
            boolean any = false;
            for (Manifest.OutputRecord o : outputs(t)) {
                Path f = runDir.resolve(o.path()).normalize();
                Shown s = f.startsWith(runDir) ? shown(f) : null;
                if (s == null) {
                    others.add(o);
                    continue;
                }
                ComparisonResult c = byName.remove(Comparisons.baselineName(o.path()));
                if (!any) {
                    w.write("<div class=\"shots\">\n");
                    any = true;
                }
                if (c != null) {
                    comparison(c);
                } else {
                    figure(s, Comparisons.baselineName(o.path()), null, "image");
                }
            }
            for (ComparisonResult c : byName.values()) { // baseline images the task did not produce
                if (!any) {
                    w.write("<div class=\"shots\">\n");
                    any = true;
                }
                comparison(c);
            }
            if (any) {
                w.write("</div>\n");
            } else if ("succeeded".equals(status)) {
                w.write("<p class=\"muted\">no images</p>\n");
            }

            // the details: a table of everything else the manifest says about the task
            w.write("<details" + ("succeeded".equals(status) ? "" : " open") + "><summary>details</summary>\n<table class=\"kv\">\n");
            row("status", escape(status));
            if (t.exitCode() != null) {
                row("exit code", escape(String.valueOf(t.exitCode())));
            }
            if (t.reason() != null) {
                row("reason", escape(t.reason()));
            }
            if (t.reusedFrom() != null) {
                row("reused from", "<code>" + escape(t.reusedFrom()) + "</code>");
            }
            if (t.attempts() != null && !t.attempts().isEmpty()) {
                StringBuilder a = new StringBuilder("<table class=\"inner\"><tr><th>attempt</th><th>job</th><th>exit</th><th>reason</th></tr>");
                for (Manifest.AttemptRecord r : t.attempts()) {
                    a.append("<tr><td>").append(r.attempt()).append("</td><td>").append(escape(r.job())).append("</td><td>")
                            .append(r.exitCode() == null ? "" : r.exitCode()).append("</td><td>").append(escape(r.reason()))
                            .append("</td></tr>");
                }
                row("attempts", a.append("</table>").toString());
            }
            if (!params.isEmpty()) {
                StringBuilder p = new StringBuilder("<table class=\"inner\">");
                params.forEach((k, v) -> p.append("<tr><th>").append(escape(k)).append("</th><td><code>")
                        .append(escape(value(v))).append("</code></td></tr>"));
                row("params", p.append("</table>").toString());
            }
            if (t.argv() != null && !t.argv().isEmpty()) {
                row("argv", "<code>" + escape(String.join(" ", t.argv())) + "</code>");
            }
            if (!outputs(t).isEmpty()) {
                StringBuilder o = new StringBuilder("<ul class=\"files\">");
                for (Manifest.OutputRecord r : outputs(t)) {
                    o.append("<li>").append(link(r.path(), r.path())).append(" <span class=\"muted\">").append(bytes(r.bytes()))
                            .append("</span></li>");
                }
                row("outputs", o.append("</ul>").toString());
            }
            if (t.key() != null) {
                row("key", "<code class=\"hash\">" + escape(t.key()) + "</code>");
            }
            if (taskNode != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = taskNode.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!TASK_FIELDS.contains(e.getKey())) {
                        row(e.getKey().replace('_', ' '), generic(e.getKey(), e.getValue()));
                    }
                }
            }
            w.write("</table>\n");
            if (t.log() != null) {
                Path log = runDir.resolve(t.log()).normalize();
                String tail = log.startsWith(runDir) ? tail(log, LOG_TAIL_LINES) : null;
                w.write("<p class=\"logname\">" + link(t.log(), t.log())
                        + (tail == null ? " <span class=\"muted\">(missing)</span>" : " (last " + LOG_TAIL_LINES + " lines)")
                        + "</p>\n");
                if (tail != null) {
                    w.write("<pre class=\"log\">" + escape(tail) + "</pre>\n");
                }
            }
            w.write("</details>\n</article>\n");
        }

        /** Baseline, run image and difference image side by side, with the numbers. */
        void comparison(ComparisonResult c) throws IOException {
            w.write("<div class=\"compare " + (c.passed() ? "passed" : "failed") + "\" id=\"" + escape(anchor(c.name()))
                    + "\">\n<p class=\"verdict\"><span class=\"badge " + (c.passed() ? "succeeded\">passed" : "failed\">regressed")
                    + "</span> <b>" + escape(c.name()) + "</b>: " + escape(c.summary()) + "</p>\n");
            boolean diff = c.diffImage() != null || !c.passed();
            w.write("<div class=\"side " + (diff ? "n3" : "n2") + "\">");
            figure(shown(c.baseline()), c.name(), c.baseline(), "baseline");
            figure(shown(c.image()), c.name(), c.image(), "this run");
            if (diff) {
                figure(shown(c.diffImage()), c.name(), c.diffImage(), "difference");
            }
            w.write("</div>\n</div>\n");
        }

        /** One image: an {@code <img>} scaled by CSS as a thumbnail; a click shows it full size (see JS). */
        void figure(Shown s, String name, Path expected, String role) throws IOException {
            if (s == null) {
                w.write("<figure class=\"missing\"><div class=\"none\">" + (expected == null ? "none"
                        : Files.isRegularFile(expected) ? "not shown" : "missing") + "</div><figcaption>" + escape(role)
                        + "</figcaption></figure>\n");
                return;
            }
            boolean plain = "image".equals(role);
            String caption = plain ? name : role;
            String rel = relative(s.file());
            w.write("<figure><img class=\"shot\" alt=\"" + escape(plain ? name : name + " (" + role + ")")
                    + "\" data-name=\"" + escape(plain ? name : name + " · " + role) + "\"" + (s.pixels() == null ? ""
                    : " width=\"" + s.pixels()[0] + "\" height=\"" + s.pixels()[1] + "\"") + " src=\"");
            if (embed) {
                w.write("data:" + s.mime() + ";base64,");
                w.flush();
                try (OutputStream b64 = Base64.getEncoder().wrap(new NonClosing(raw));
                        InputStream in = Files.newInputStream(s.file())) {
                    in.transferTo(b64);
                }
            } else {
                w.write(escape(url(rel)));
            }
            imageElements++;
            w.write("\"><figcaption>" + (embed ? escape(caption) : "<a href=\"" + escape(url(rel)) + "\">"
                    + escape(caption) + "</a>") + " <span class=\"muted\">"
                    + (s.pixels() == null ? "" : s.pixels()[0] + "×" + s.pixels()[1] + " · ") + bytes(s.bytes())
                    + "</span></figcaption></figure>\n");
        }

        void provenance() throws IOException {
            w.write("<section id=\"provenance\"><h2>Provenance</h2>\n<table class=\"kv provenance\">\n");
            Set<String> keys = new LinkedHashSet<>();
            for (String k : PROVENANCE_ORDER) {
                if (json.has(k)) {
                    keys.add(k);
                }
            }
            json.fieldNames().forEachRemaining(keys::add);
            keys.remove("tasks");
            for (String k : keys) {
                JsonNode v = json.get(k);
                if (v == null || v.isNull()) {
                    continue;
                }
                String cell = ("spec".equals(k) || "script".equals(k)) && v.isTextual() ? link(v.asText(), v.asText())
                        : generic(k, v);
                w.write("<tr data-field=\"" + escape(k) + "\"><th>" + escape(k) + "</th><td>" + cell + "</td></tr>\n");
            }
            w.write("<tr data-field=\"run_dir\"><th>run directory</th><td><code>" + escape(runDir.toString())
                    + "</code></td></tr>\n</table>\n</section>\n");
        }

        void row(String key, String html) throws IOException {
            w.write("<tr><th>" + escape(key) + "</th><td>" + html + "</td></tr>\n");
        }

        /** A link to a file of the run, relative to the run directory (where this page is). */
        String link(String rel, String text) {
            Path f = runDir.resolve(rel).normalize();
            if (!f.startsWith(runDir)) {
                return "<code>" + escape(text) + "</code>";
            }
            return "<a href=\"" + escape(url(runDir.relativize(f).toString())) + "\">" + escape(text) + "</a>";
        }

        String relative(Path file) {
            return runDir.relativize(file).toString().replace('\\', '/');
        }
    }

    /** Any JSON value as HTML: scalars as text, lists as lists, objects and lists of objects as tables. */
    static String generic(String key, JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isValueNode()) {
            String s = v.asText();
            return key.endsWith("sha256") || key.equals("key") ? "<code class=\"hash\">" + escape(s) + "</code>"
                    : v.isTextual() ? escape(s) : "<code>" + escape(s) + "</code>";
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                return "<span class=\"muted\">none</span>";
            }
            boolean objects = true;
            boolean scalars = true;
            for (JsonNode e : v) {
                objects &= e.isObject();
                scalars &= e.isValueNode();
            }
            if (scalars && (key.equals("command") || key.equals("argv"))) {
                List<String> parts = new ArrayList<>();
                v.forEach(e -> parts.add(e.asText()));
                return "<code>" + escape(String.join(" ", parts)) + "</code>";
            }
            if (objects) {
                Set<String> cols = new LinkedHashSet<>();
                v.forEach(e -> e.fieldNames().forEachRemaining(cols::add));
                StringBuilder b = new StringBuilder("<table class=\"inner\"><tr>");
                cols.forEach(c -> b.append("<th>").append(escape(c)).append("</th>"));
                b.append("</tr>");
                for (JsonNode e : v) {
                    b.append("<tr>");
                    cols.forEach(c -> b.append("<td>").append(generic(c, e.get(c))).append("</td>"));
                    b.append("</tr>");
                }
                return b.append("</table>").toString();
            }
            StringBuilder b = new StringBuilder("<ul class=\"plain\">");
            v.forEach(e -> b.append("<li>").append(generic(key, e)).append("</li>"));
            return b.append("</ul>").toString();
        }
        StringBuilder b = new StringBuilder("<table class=\"inner\">");
        v.fields().forEachRemaining(e -> b.append("<tr><th>").append(escape(e.getKey())).append("</th><td>")
                .append(generic(e.getKey(), e.getValue())).append("</td></tr>"));
        return b.append("</table>").toString();
    }

    /**
     * The manifest as JSON: the record's fields, plus any field of {@code RUN/manifest.json} the record does
     * not know (written by a newer pvrun), at the top level and in each task.
     */
    static ObjectNode manifestJson(Path runDir, Manifest m) {
        ObjectNode tree = ManifestIO.JSON.valueToTree(m);
        Path file = runDir.resolve(ManifestIO.FILE);
        if (!Files.isRegularFile(file)) {
            return tree;
        }
        JsonNode disk;
        try {
            disk = ManifestIO.JSON.readTree(file.toFile());
        } catch (IOException e) {
            return tree;
        }
        if (!disk.isObject() || !Objects.equals(disk.path("run_id").asText(null), m.runId())) {
            return tree;
        }
        disk.fields().forEachRemaining(e -> {
            if (!tree.has(e.getKey())) {
                tree.set(e.getKey(), e.getValue());
            }
        });
        JsonNode a = tree.path("tasks");
        JsonNode b = disk.path("tasks");
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof ObjectNode to && b.get(i).isObject()) {
                    b.get(i).fields().forEachRemaining(e -> {
                        if (!to.has(e.getKey())) {
                            to.set(e.getKey(), e.getValue());
                        }
                    });
                }
            }
        }
        return tree;
    }

    /** {@code RUN/compare/results.json} as comparison results; no results when there is none. */
    static Compared readComparison(Path runDir) {
        Path file = runDir.resolve(Comparisons.DIR).resolve(Comparisons.RESULTS_FILE);
        if (!Files.isRegularFile(file)) {
            return new Compared(null, List.of(), null);
        }
        try {
            JsonNode root = ManifestIO.JSON.readTree(file.toFile());
            List<ComparisonResult> out = new ArrayList<>();
            for (JsonNode r : root.path("results")) {
                out.add(new ComparisonResult(r.path("name").asText(),
                        "passed".equals(r.path("status").asText()) ? ComparisonResult.Status.PASSED : ComparisonResult.Status.FAILED,
                        r.path("reason").asText(null), inRun(runDir, r.path("image").asText(null)),
                        r.hasNonNull("baseline") ? Path.of(r.get("baseline").asText()) : null,
                        r.hasNonNull("width") ? r.get("width").asInt() : null,
                        r.hasNonNull("height") ? r.get("height").asInt() : null,
                        r.hasNonNull("differing_pixels") ? r.get("differing_pixels").asLong() : null,
                        r.hasNonNull("differing_fraction") ? r.get("differing_fraction").asDouble() : null,
                        r.hasNonNull("max_difference") ? r.get("max_difference").asInt() : null,
                        inRun(runDir, r.path("diff_image").asText(null))));
            }
            return new Compared(root, out, null);
        } catch (IOException | RuntimeException e) {
            return new Compared(null, List.of(), "compare/results.json could not be read: " + e.getMessage());
        }
    }

    /** A path the comparison recorded relative to the run directory; null when absent or outside it. */
    private static Path inRun(Path runDir, String rel) {
        if (rel == null) {
            return null;
        }
        Path p = runDir.resolve(rel).normalize();
        return p.startsWith(runDir) ? p : null;
    }

    private static String thresholds(JsonNode r) {
        try {
            return new ImageComparison.Thresholds(r.path("tolerance").asInt(), r.path("max_fraction").asDouble(),
                    r.path("shift").asInt()).toString();
        } catch (IllegalArgumentException e) {
            return "tolerance " + r.path("tolerance").asText() + ", max fraction " + r.path("max_fraction").asText()
                    + ", shift " + r.path("shift").asText();
        }
    }

    /** Params whose value differs between tasks (all of them when there is one task): the gallery shows these. */
    static Set<String> varyingParams(List<Manifest.TaskRecord> tasks) {
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (Manifest.TaskRecord t : tasks) {
            if (t.params() != null) {
                t.params().forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(value(v)));
            }
        }
        Set<String> out = new LinkedHashSet<>();
        values.forEach((k, vs) -> {
            if (tasks.size() == 1 || vs.size() > 1) {
                out.add(k);
            }
        });
        return out;
    }

    /** A param value as people write it: strings bare, everything else as compact JSON. */
    static String value(Object v) {
        if (v == null || v instanceof String) {
            return String.valueOf(v);
        }
        try {
            return COMPACT.writeValueAsString(v);
        } catch (IOException e) {
            return String.valueOf(v);
        }
    }

    private static List<Manifest.OutputRecord> outputs(Manifest.TaskRecord t) {
        return t.outputs() == null ? List.of() : t.outputs();
    }

    private static String taskOf(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    /** An id for an image's comparison block: letters, digits and dashes only. */
    static String anchor(String name) {
        return "cmp-" + name.replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static String statusClass(String status) {
        return status == null ? "unknown" : switch (status) {
            case "succeeded", "failed", "cancelled" -> status;
            default -> "unknown";
        };
    }

    /** A relative path as a URL path: each character a URL would misread is percent-encoded; starts with ./ */
    static String url(String rel) {
        try {
            return "./" + new URI(null, null, rel.replace('\\', '/'), null).getRawPath();
        } catch (URISyntaxException e) {
            return "./" + rel.replaceAll("[^A-Za-z0-9._/-]", "_");
        }
    }

    /** The last {@code lines} lines of a log, reading at most its last 64 KiB; null when it cannot be read. */
    static String tail(Path log, int lines) {
        if (!Files.isRegularFile(log)) {
            return null;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, f.length() - LOG_TAIL_BYTES);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> all = ANSI.matcher(new String(buf, StandardCharsets.UTF_8)).replaceAll("").lines().toList();
            if (start > 0 && !all.isEmpty()) {
                all = all.subList(1, all.size()); // the first line was cut
            }
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Escapes text for HTML element content and attribute values (quoted with either quote). Characters HTML
     * forbids in a document (C0 controls other than tab, newline and return; lone surrogates) become U+FFFD.
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\t', '\n' -> b.append(c);
                case '\r' -> { }
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Width and height from the image's header, without decoding it; null when Java cannot read it. */
    static int[] dimensions(Path f) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }

    static String seconds(double s) {
        return s < 120 ? String.format(Locale.ROOT, "%.1f s", s)
                : String.format(Locale.ROOT, "%d min %02d s", (long) s / 60, (long) s % 60);
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    /** Lets the base64 encoder and the writer be closed without closing the page's stream. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    static final String CSS = """
            :root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
            header{padding:16px 24px;background:var(--bg);border-bottom:1px solid var(--line)}
            h1{margin:0 0 4px;font-size:22px}h2{font-size:18px;margin:24px 0 8px}h3{font-size:15px;margin:0 0 6px}
            section,footer>p,.notice{margin-left:24px;margin-right:24px}
            .sub{margin:0;color:var(--muted)}nav{margin-top:6px}a{color:#0969da}
            code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
            .hash{color:var(--muted)}.muted{color:var(--muted);font-size:12px}
            .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--muted);vertical-align:middle}
            .badge.succeeded{background:var(--ok)}.badge.failed{background:var(--bad)}.badge.cancelled{background:var(--warn)}.badge.reused{background:#8250df}
            .notice{border:1px solid #d4a72c;background:#fff8c5;padding:8px 12px;border-radius:6px}
            .gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px;align-items:start}
            .card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff;min-width:0}
            .card.failed,.card.regressed{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad) inset}
            .card.cancelled{border-color:var(--warn)}
            .params{margin:0 0 6px}.chip{display:inline-block;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:0 6px;margin:0 4px 4px 0;font-size:12px}
            .reason{color:var(--bad);margin:0 0 6px}
            .shots{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:8px}
            .compare{grid-column:1/-1;border-top:1px dashed var(--line);padding-top:4px}
            .verdict{margin:0 0 4px;font-size:12px}
            .side{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:6px}.side.n2{grid-template-columns:repeat(2,minmax(0,1fr))}
            figure{margin:0;min-width:0}
            img.shot{display:block;width:100%;height:auto;max-height:260px;object-fit:contain;background:#222;border-radius:4px;cursor:zoom-in}
            figcaption{font-size:12px;overflow-wrap:anywhere}
            figure.missing .none{display:flex;align-items:center;justify-content:center;height:90px;background:var(--bg);border:1px dashed var(--line);border-radius:4px;color:var(--muted)}
            details{margin-top:8px}summary{cursor:pointer;color:var(--muted)}
            table.kv{border-collapse:collapse;width:100%;margin-top:4px}
            table.kv>tbody>tr>th,table.kv>tbody>tr>td{border-top:1px solid var(--line);padding:3px 6px;vertical-align:top;text-align:left}
            table.kv>tbody>tr>th{width:9em;color:var(--muted);font-weight:600;white-space:nowrap}
            table.inner{border-collapse:collapse}table.inner th,table.inner td{padding:1px 6px;border:1px solid var(--line);text-align:left;vertical-align:top}
            ul.plain,ul.files{margin:0;padding-left:16px}
            pre.log{background:#0d1117;color:#e6edf3;padding:8px;border-radius:6px;max-height:320px;overflow:auto;font-size:11px;white-space:pre-wrap;overflow-wrap:anywhere}
            .logname{margin:6px 0 2px;font-size:12px}
            .provenance{max-width:1100px}
            footer{margin:24px 0;color:var(--muted);font-size:12px}
            #lightbox{position:fixed;inset:0;background:rgba(0,0,0,.88);display:flex;align-items:center;justify-content:center;z-index:10;cursor:zoom-out}
            #lightbox[hidden]{display:none}
            #lightbox figure{max-width:96vw;max-height:94vh;text-align:center}
            #lightbox img{max-width:96vw;max-height:88vh;image-rendering:auto;background:#222}
            #lightbox figcaption{color:#eee;font-size:14px;margin-top:6px}
            #lightbox-close{position:fixed;top:8px;right:16px;font-size:28px;background:none;border:0;color:#fff;cursor:pointer}
            """;

    /**
     * Click a thumbnail to see it full size (arrows step through them, Escape closes). On load, counts the
     * images that decoded and any script error into #pvrun-check, for people and for the browser test.
     */
    static final String JS = """
            (function(){
            var errors=[];
            window.addEventListener('error',function(e){if(e instanceof ErrorEvent){errors.push(String(e.message))}});
            var shots=Array.prototype.slice.call(document.querySelectorAll('img.shot'));
            var box=document.getElementById('lightbox'),big=document.getElementById('lightbox-img'),cap=document.getElementById('lightbox-caption'),at=-1;
            function show(i){at=(i+shots.length)%shots.length;big.src=shots[at].src;cap.textContent=shots[at].getAttribute('data-name');box.hidden=false}
            function hide(){box.hidden=true;big.removeAttribute('src');at=-1}
            shots.forEach(function(img,i){img.addEventListener('click',function(){show(i)})});
            box.addEventListener('click',hide);
            document.addEventListener('keydown',function(e){if(at<0)return;if(e.key==='Escape')hide();else if(e.key==='ArrowRight')show(at+1);else if(e.key==='ArrowLeft')show(at-1)});
            window.addEventListener('load',function(){
            var ok=shots.filter(function(i){return i.complete&&i.naturalWidth>0});
            var bad=shots.filter(function(i){return !(i.complete&&i.naturalWidth>0)}).map(function(i){return i.getAttribute('data-name')});
            var out=document.getElementById('pvrun-check');
            out.setAttribute('data-loaded',String(ok.length));
            out.setAttribute('data-errors',String(errors.length));
            out.textContent=ok.length+' of '+shots.length+' images shown'+(bad.length?'; not shown: '+bad.join(', '):'')+(errors.length?'; script errors: '+errors.join('; '):'');
            });
            })();
            """;
}
