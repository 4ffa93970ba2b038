package org.pvrun.report;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.report.HtmlImages.Shown;
import org.pvrun.report.HtmlRun.Compared;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Versions;
import org.pvrun.util.LogTail;
import org.pvrun.util.Sizes;

/**
 * What {@code report.html.mustache} shows, as plain data: the header, the size notice, the comparison
 * summary, one card per task and the provenance. No HTML here; the template lays it out.
 */
final class HtmlView {
    static final int LOG_TAIL_LINES = 40;
    /** The manifest's fields in the order people read them; any other field follows, in the manifest's order. */
    static final List<String> PROVENANCE_ORDER = List.of("pipeline", "run_id", "status", "target", "scheduler",
            "transport", "paraview_version", "paraview_constraint", "spec", "spec_sha256", "script", "script_sha256",
            "inputs", "ranks", "display", "command", "host", "job_ids", "nodes", "remote_dir", "setup", "started",
            "finished", "duration_seconds", "pvrun_version", "manifest_version");
    /** Task fields the card lays out itself; any other is shown in the task's details table. */
    static final Set<String> TASK_FIELDS = Set.of("index", "params", "argv", "status", "exit_code", "reason", "log",
            "key", "reused_from", "attempts", "outputs");

    private final Path runDir;
    private final Manifest m;
    private final ObjectNode json;
    private final Compared compared;
    private final HtmlImages images;

    HtmlView(Path runDir, Manifest m, HtmlImages images) {
        this.runDir = runDir;
        this.m = m;
        this.json = HtmlRun.manifestJson(runDir, m);
        this.compared = HtmlRun.readComparison(runDir);
        this.images = images;
        // every image is registered before the first is shown: whether they are embedded depends on their total
        for (Manifest.TaskRecord t : tasks()) {
            for (Manifest.OutputRecord o : outputs(t)) {
                Path f = runDir.resolve(o.path()).normalize();
                if (f.startsWith(runDir)) {
                    images.shown(f);
                }
            }
        }
        if (contactSheet() != null) {
            images.shown(contactSheet());
        }
        for (ComparisonResult c : compared.results()) {
            images.shown(c.baseline());
            images.shown(c.image());
            images.shown(c.diffImage());
        }
        images.embed();
    }

    /** The whole page's view; {@code css} and {@code js} are inserted as they are. */
    Map<String, Object> page(String css, String js) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", Versions.pvrun());
        v.put("title", m.pipeline() + " " + m.runId());
        v.put("css", css);
        v.put("js", js);
        v.put("header", header());
        v.put("sizeGuard", images.embed() ? null : Map.of("total", Sizes.human(images.totalBytes()),
                "limit", Sizes.human(images.embedLimit()), "runDir", runDir.toString()));
        v.put("comparisonError", compared.error() == null ? null : Map.of("message", compared.error()));
        v.put("comparison", compared.error() != null || compared.results().isEmpty() ? null : comparison());
        v.put("movie", movie());
        gallery(v);
        v.put("provenance", provenance());
        v.put("runDir", runDir.toString());
        // last: the count of image elements is known once the gallery is built
        Map<String, Object> footer = new LinkedHashMap<>();
        footer.put("version", Versions.pvrun());
        footer.put("written", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        footer.put("embedded", images.embed()
                ? count(images.count(), "image") + " (" + Sizes.human(images.totalBytes()) + ")" : null);
        footer.put("imageElements", images.elements());
        v.put("footer", footer);
        return v;
    }

    /** The split animation's contact sheet, when the run made one and it is in the run directory. */
    private Path contactSheet() {
        if (m.movie() == null || m.movie().contactSheet() == null) {
            return null;
        }
        Path f = runDir.resolve(m.movie().contactSheet()).normalize();
        return f.startsWith(runDir) ? f : null;
    }

    /**
     * The movie section: the movie itself (linked by relative path: a movie is too large to embed), its
     * frames, rate and hash, and the contact sheet of its frames (an image like the others); null without one.
     */
    private Map<String, Object> movie() {
        Manifest.MovieRecord mv = m.movie();
        if (mv == null) {
            return null;
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("frames", count(mv.frameCount(), "frame"));
        v.put("framesDir", mv.frames());
        v.put("fps", mv.fps());
        v.put("note", mv.note());
        if (mv.file() != null) {
            v.put("file", Map.of("url", HtmlReport.url(mv.file()), "name", mv.file(),
                    "bytes", mv.bytes() == null ? "" : Sizes.human(mv.bytes()), "sha256", mv.sha256() == null ? "" : mv.sha256(),
                    "type", mv.file().endsWith(".webm") ? "video/webm" : "video/mp4"));
        }
        Path sheet = contactSheet();
        v.put("sheet", sheet == null ? null : images.figure(images.shown(sheet), "contact sheet", sheet, "image"));
        return v;
    }

    private List<Manifest.TaskRecord> tasks() {
        return m.tasks() == null ? List.of() : m.tasks();
    }

    private Map<String, Object> header() {
        Map<String, Integer> byStatus = new TreeMap<>();
        for (Manifest.TaskRecord t : tasks()) {
            byStatus.merge(Objects.toString(t.status(), "unknown"), 1, Integer::sum);
        }
        StringBuilder counts = new StringBuilder();
        byStatus.forEach((s, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(n).append(' ').append(s));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("pipeline", m.pipeline());
        // a run whose images regressed against the baseline exited 1: its header must not say it succeeded
        boolean regressed = "succeeded".equals(m.status()) && compared.results().stream().anyMatch(c -> !c.passed());
        h.put("status", regressed ? "regressed" : m.status());
        h.put("statusClass", regressed ? "failed" : statusClass(m.status()));
        h.put("runId", m.runId());
        h.put("tasks", count(tasks().size(), "task"));
        h.put("counts", counts.length() > 0 ? counts.toString() : null);
        h.put("target", m.target());
        h.put("scheduler", m.scheduler());
        h.put("paraview", m.paraviewVersion());
        h.put("started", m.started());
        h.put("duration", m.durationSeconds() == null ? null : seconds(m.durationSeconds()));
        h.put("compared", !compared.results().isEmpty() || compared.error() != null);
        h.put("hasMovie", m.movie() != null);
        return h;
    }

    private Map<String, Object> comparison() {
        JsonNode r = compared.root();
        long failed = compared.results().stream().filter(c -> !c.passed()).count();
        List<Map<String, Object>> regressions = new ArrayList<>();
        for (ComparisonResult c : compared.results()) {
            if (!c.passed()) {
                regressions.add(Map.of("anchor", anchor(c.name()), "name", c.name(),
                        "reason", Objects.toString(c.reason(), "")));
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("allPassed", failed == 0);
        s.put("failed", failed);
        s.put("images", count(compared.results().size(), "image"));
        s.put("baselineDir", r.path("baseline_dir").asText("?"));
        s.put("thresholds", HtmlRun.thresholds(r));
        s.put("passed", compared.results().size() - failed);
        s.put("hasRegressions", !regressions.isEmpty());
        s.put("regressions", regressions);
        return s;
    }

    private void gallery(Map<String, Object> v) {
        List<Manifest.TaskRecord> tasks = tasks();
        Map<String, List<ComparisonResult>> byTask = new TreeMap<>();
        for (ComparisonResult c : compared.results()) {
            byTask.computeIfAbsent(taskOf(c.name()), k -> new ArrayList<>()).add(c);
        }
        Set<String> varying = varyingParams(tasks);
        ArrayNode taskJson = json.path("tasks").isArray() ? (ArrayNode) json.get("tasks") : ManifestIO.JSON.createArrayNode();
        List<Map<String, Object>> cards = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Manifest.TaskRecord t = tasks.get(i);
            String id = String.format(Locale.ROOT, "%04d", t.index());
            cards.add(card(t, id, varying, byTask.remove(id), i < taskJson.size() ? taskJson.get(i) : null));
        }
        List<Map<String, Object>> orphans = new ArrayList<>();
        byTask.values().forEach(cs -> cs.forEach(c -> orphans.add(comparison(c))));
        v.put("noTasks", tasks.isEmpty());
        v.put("cards", cards);
        v.put("hasOrphans", !orphans.isEmpty());
        v.put("orphans", orphans);
    }

    private Map<String, Object> card(Manifest.TaskRecord t, String id, Set<String> varying,
            List<ComparisonResult> comparisons, JsonNode taskNode) {
        String status = Objects.toString(t.status(), "unknown");
        boolean succeeded = "succeeded".equals(status);
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("id", id);
        card.put("status", status);
        card.put("statusClass", statusClass(status));
        card.put("regressed", comparisons != null && comparisons.stream().anyMatch(c -> !c.passed()));
        card.put("reused", t.reusedFrom() != null);
        card.put("succeeded", succeeded);
        Map<String, Object> params = t.params() == null ? Map.of() : t.params();
        List<Map<String, Object>> chips = new ArrayList<>();
        params.forEach((k, val) -> {
            if (varying.contains(k)) {
                chips.add(Map.of("first", chips.isEmpty(), "name", k, "value", value(val)));
            }
        });
        card.put("hasChips", !chips.isEmpty());
        card.put("chips", chips);
        card.put("reason", t.reason() != null && !succeeded ? Map.of("text", t.reason()) : null);

        // the task's images, each with its comparison when there is one
        Map<String, ComparisonResult> byName = new LinkedHashMap<>();
        if (comparisons != null) {
            comparisons.forEach(c -> byName.put(c.name(), c));
        }
        List<Map<String, Object>> shots = new ArrayList<>();
        for (Manifest.OutputRecord o : outputs(t)) {
            Path f = runDir.resolve(o.path()).normalize();
            Shown s = f.startsWith(runDir) ? images.shown(f) : null;
            if (s != null) {
                ComparisonResult c = byName.remove(Comparisons.baselineName(o.path()));
                shots.add(c != null ? shot(comparison(c), null)
                        : shot(null, images.figure(s, Comparisons.baselineName(o.path()), null, "image")));
            }
        }
        byName.values().forEach(c -> shots.add(shot(comparison(c), null))); // baseline images the task did not produce
        card.put("hasShots", !shots.isEmpty());
        card.put("shots", shots);
        card.put("noImages", shots.isEmpty() && succeeded);
        card.put("details", details(t, status, params, taskNode));
        card.put("log", log(t));
        return card;
    }

    private static Map<String, Object> shot(Map<String, Object> comparison, Map<String, Object> figure) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("comparison", comparison);
        s.put("figure", figure);
        return s;
    }

    /** Everything else the manifest says about the task, as rows of its details table. */
    private List<Map<String, Object>> details(Manifest.TaskRecord t, String status, Map<String, Object> params,
            JsonNode taskNode) {
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(HtmlValues.row("status", HtmlValues.text(status)));
        if (t.exitCode() != null) {
            rows.add(HtmlValues.row("exit code", HtmlValues.text(t.exitCode())));
        }
        if (t.reason() != null) {
            rows.add(HtmlValues.row("reason", HtmlValues.text(t.reason())));
        }
        if (t.reusedFrom() != null) {
            rows.add(HtmlValues.row("reused from", HtmlValues.code(t.reusedFrom())));
        }
        if (t.attempts() != null && !t.attempts().isEmpty()) {
            List<List<Map<String, Object>>> attempts = new ArrayList<>();
            for (Manifest.AttemptRecord r : t.attempts()) {
                attempts.add(List.of(HtmlValues.text(r.attempt()), HtmlValues.text(r.job()),
                        HtmlValues.text(r.exitCode()), HtmlValues.text(r.reason())));
            }
            rows.add(HtmlValues.row("attempts", HtmlValues.table(List.of("attempt", "job", "exit", "reason"), attempts)));
        }
        if (!params.isEmpty()) {
            List<Map<String, Object>> p = new ArrayList<>();
            params.forEach((k, v) -> p.add(HtmlValues.row(k, HtmlValues.code(value(v)))));
            rows.add(HtmlValues.row("params", HtmlValues.entries(p)));
        }
        if (t.argv() != null && !t.argv().isEmpty()) {
            rows.add(HtmlValues.row("argv", HtmlValues.code(String.join(" ", t.argv()))));
        }
        if (!outputs(t).isEmpty()) {
            List<Map<String, Object>> files = new ArrayList<>();
            for (Manifest.OutputRecord r : outputs(t)) {
                files.add(Map.of("link", link(r.path()), "bytes", Sizes.human(r.bytes())));
            }
            rows.add(HtmlValues.row("outputs", HtmlValues.files(files)));
        }
        if (t.key() != null) {
            rows.add(HtmlValues.row("key", HtmlValues.hash(t.key())));
        }
        if (taskNode != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = taskNode.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!TASK_FIELDS.contains(e.getKey())) {
                    rows.add(HtmlValues.row(e.getKey().replace('_', ' '), HtmlValues.json(e.getKey(), e.getValue())));
                }
            }
        }
        return rows;
    }

    private Map<String, Object> log(Manifest.TaskRecord t) {
        if (t.log() == null) {
            return null;
        }
        Path log = runDir.resolve(t.log()).normalize();
        String tail = log.startsWith(runDir) ? LogTail.of(log, LOG_TAIL_LINES) : null;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("link", link(t.log()));
        v.put("hasTail", tail != null);
        v.put("tail", tail);
        v.put("lines", LOG_TAIL_LINES);
        return v;
    }

    /** Baseline, run image and difference image side by side, with the numbers. */
    private Map<String, Object> comparison(ComparisonResult c) {
        boolean diff = c.diffImage() != null || !c.passed();
        List<Map<String, Object>> figures = new ArrayList<>();
        figures.add(images.figure(images.shown(c.baseline()), c.name(), c.baseline(), "baseline"));
        figures.add(images.figure(images.shown(c.image()), c.name(), c.image(), "this run"));
        if (diff) {
            figures.add(images.figure(images.shown(c.diffImage()), c.name(), c.diffImage(), "difference"));
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("passed", c.passed());
        v.put("anchor", anchor(c.name()));
        v.put("name", c.name());
        v.put("summary", c.summary());
        v.put("side", diff ? "n3" : "n2");
        v.put("figures", figures);
        return v;
    }

    private List<Map<String, Object>> provenance() {
        Set<String> keys = new LinkedHashSet<>();
        for (String k : PROVENANCE_ORDER) {
            if (json.has(k)) {
                keys.add(k);
            }
        }
        json.fieldNames().forEachRemaining(keys::add);
        keys.remove("tasks");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String k : keys) {
            JsonNode v = json.get(k);
            if (v != null && !v.isNull()) {
                rows.add(HtmlValues.row(k, ("spec".equals(k) || "script".equals(k)) && v.isTextual() ? link(v.asText())
                        : HtmlValues.json(k, v)));
            }
        }
        return rows;
    }

    /** A link to a file of the run, relative to the run directory (where the page is); code when outside it. */
    private Map<String, Object> link(String rel) {
        Path f = runDir.resolve(rel).normalize();
        return f.startsWith(runDir) ? HtmlValues.link(HtmlReport.url(runDir.relativize(f).toString()), rel)
                : HtmlValues.code(rel);
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
        return HtmlRun.value(v);
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

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String seconds(double s) {
        return s < 120 ? String.format(Locale.ROOT, "%.1f s", s)
                : String.format(Locale.ROOT, "%d min %02d s", (long) s / 60, (long) s % 60);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
