package org.pvrun.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.pvrun.job.TaskStatus;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.LogTail;

/**
 * A run as JUnit XML, in the dialect Surefire writes and Jenkins' junit step and GitLab's
 * {@code artifacts:reports:junit} read (testsuites → testsuite → testcase with failure/error and
 * system-out). One test suite named after the pipeline with one test case per task, and, when images were
 * compared, a second suite {@code PIPELINE.images} with one test case per image. See docs/regression.md.
 *
 * <p>Written by hand rather than through a DOM transformer so the bytes are the same on every JDK (the
 * golden test depends on it); every text passes through {@link #escape}, which also drops the characters
 * XML 1.0 forbids (terminal escape codes in logs would otherwise make the whole file unreadable).
 */
public final class JUnitReport {
    /** How much of each task's log goes into its system-out. */
    static final int LOG_TAIL_LINES = 50;
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

    private JUnitReport() {}

    /** Writes the report to {@code file} atomically (temporary file, rename), creating its folder. */
    public static void write(Manifest manifest, Path runDir, List<ComparisonResult> comparisons, Path file)
            throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        ManifestIO.writeAtomically(target, render(manifest, runDir, comparisons).getBytes(StandardCharsets.UTF_8));
    }

    /** The XML text; {@code comparisons} may be empty or null. */
    public static String render(Manifest m, Path runDir, List<ComparisonResult> comparisons) {
        List<Manifest.TaskRecord> tasks = m.tasks() == null ? List.of() : m.tasks();
        List<ComparisonResult> images = comparisons == null ? List.of() : comparisons;
        String pipeline = m.pipeline();
        double runSeconds = m.durationSeconds() == null ? 0 : m.durationSeconds();

        StringBuilder cases = new StringBuilder();
        int failures = 0;
        int errors = 0;
        for (Manifest.TaskRecord t : tasks) {
            // the manifest times the run, not each task: a single task gets the run's wall time
            double secs = tasks.size() == 1 ? runSeconds : 0;
            cases.append("    <testcase classname=\"").append(escape(pipeline)).append("\" name=\"")
                    .append(escape(taskName(t))).append("\" time=\"").append(time(secs)).append("\">\n");
            String status = t.status() == null ? "unknown" : t.status();
            if (!TaskStatus.succeeded(status)) {
                String reason = t.reason() != null ? t.reason() : "task " + status;
                String element = TaskStatus.of(status) == TaskStatus.FAILED ? "failure" : "error";
                if (element.equals("failure")) {
                    failures++;
                } else {
                    errors++;
                }
                cases.append("      <").append(element).append(" type=\"").append(escape(status))
                        .append("\" message=\"").append(attr(reason)).append("\">")
                        .append(escape(reason + (t.exitCode() != null ? "\nexit code: " + t.exitCode() : "")
                                + (t.log() != null ? "\nlog: " + t.log() : "")))
                        .append("</").append(element).append(">\n");
            }
            String tail = t.log() == null ? "" : LogTail.orEmpty(runDir.resolve(t.log()), LOG_TAIL_LINES);
            if (!tail.isEmpty()) {
                cases.append("      <system-out>").append(escape(tail)).append("</system-out>\n");
            }
            cases.append("    </testcase>\n");
        }

        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        int imageFailures = (int) images.stream().filter(c -> !c.passed()).count();
        out.append("<testsuites name=\"pvrun\" tests=\"").append(tasks.size() + images.size())
                .append("\" failures=\"").append(failures + imageFailures).append("\" errors=\"").append(errors)
                .append("\" time=\"").append(time(runSeconds)).append("\">\n");
        suiteStart(out, pipeline, tasks.size(), failures, errors, runSeconds, m);
        properties(out, m);
        out.append(cases).append("  </testsuite>\n");
        if (!images.isEmpty()) {
            suiteStart(out, pipeline + ".images", images.size(), imageFailures, 0, 0, m);
            for (ComparisonResult c : images) {
                out.append("    <testcase classname=\"").append(escape(pipeline)).append(".images\" name=\"")
                        .append(escape(c.name())).append("\" time=\"0.000\">\n");
                StringBuilder detail = new StringBuilder();
                line(detail, "image", Comparisons.relative(runDir, c.image()));
                line(detail, "baseline", Comparisons.relative(runDir, c.baseline()));
                line(detail, "diff", Comparisons.relative(runDir, c.diffImage()));
                if (!c.passed()) {
                    out.append("      <failure type=\"regressed\" message=\"").append(attr(c.reason())).append("\">")
                            .append(escape(c.reason() + "\n" + detail.toString().strip())).append("</failure>\n");
                } else {
                    out.append("      <system-out>").append(escape(c.summary() + "\n" + detail.toString().strip())).append("</system-out>\n");
                }
                out.append("    </testcase>\n");
            }
            out.append("  </testsuite>\n");
        }
        return out.append("</testsuites>\n").toString();
    }

    /** {@code task 0000 (isovalue=157, width=800)}: the index as in tasks/ and logs/, and the params. */
    static String taskName(Manifest.TaskRecord t) {
        String name = String.format(Locale.ROOT, "task %04d", t.index());
        Map<String, Object> p = t.params();
        if (p == null || p.isEmpty()) {
            return name;
        }
        return name + " (" + p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static void suiteStart(StringBuilder out, String name, int tests, int failures, int errors,
            double seconds, Manifest m) {
        out.append("  <testsuite name=\"").append(escape(name)).append("\" tests=\"").append(tests)
                .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors)
                .append("\" skipped=\"0\" time=\"").append(time(seconds)).append('"');
        String ts = timestamp(m.started());
        if (ts != null) {
            out.append(" timestamp=\"").append(ts).append('"');
        }
        if (m.host() != null) {
            out.append(" hostname=\"").append(escape(m.host())).append('"');
        }
        out.append(">\n");
    }

    /** The provenance a CI page should show next to the results. */
    private static void properties(StringBuilder out, Manifest m) {
        StringBuilder p = new StringBuilder();
        property(p, "run_id", m.runId());
        property(p, "status", m.status());
        property(p, "target", m.target());
        property(p, "scheduler", m.scheduler());
        property(p, "paraview_version", m.paraviewVersion());
        property(p, "script", m.script());
        property(p, "script_sha256", m.scriptSha256());
        property(p, "spec_sha256", m.specSha256());
        property(p, "pvrun_version", m.pvrunVersion());
        if (m.jobIds() != null && !m.jobIds().isEmpty()) {
            property(p, "job_ids", String.join(" ", m.jobIds()));
        }
        if (p.length() > 0) {
            out.append("    <properties>\n").append(p).append("    </properties>\n");
        }
    }

    private static void property(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append("      <property name=\"").append(name).append("\" value=\"").append(attr(value)).append("\"/>\n");
        }
    }

    private static void line(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(key).append(": ").append(value).append('\n');
        }
    }

    static String time(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    /** JUnit's timestamp is an ISO-8601 date-time without zone (the schema's pattern); UTC here. */
    static String timestamp(String instant) {
        if (instant == null) {
            return null;
        }
        try {
            return TIMESTAMP.format(LocalDateTime.ofInstant(Instant.parse(instant), ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Escapes an attribute value: as {@link #escape}, and line breaks kept as references (parsers turn raw ones into spaces). */
    static String attr(String s) {
        return escape(s).replace("\n", "&#10;").replace("\t", "&#9;");
    }

    /** Escapes text for element content and attribute values; characters XML 1.0 forbids become U+FFFD. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                case '\n' -> b.append('\n');
                case '\t' -> b.append('\t');
                case '\r' -> b.append("&#13;");
                default -> {
                    boolean allowed = c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF;
                    b.appendCodePoint(allowed ? c : 0xFFFD);
                }
            }
        });
        return b.toString();
    }
}
