package org.pvrun.scheduler;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;

import org.pvrun.util.Shell;

/**
 * Renders job scripts from the templates in {@code org/pvrun/templates}: one per scheduler plus the shared
 * {@code _body.sh} partial. The templates are logic-less; every value in the view is already quoted here
 * with {@link Shell#quote}, so the factory must not escape anything itself.
 */
final class JobScripts {
    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * Paths that go on directive lines. sbatch and qsub have their own quoting rules for directives (and
     * Slurm expands %-patterns, PBS reads "host:" prefixes), so such paths are restricted instead of quoted.
     */
    private static final Pattern DIRECTIVE_PATH = Pattern.compile("/[A-Za-z0-9_./+@-]*");
    private static final Set<String> DISPLAYS = Set.of("offscreen", "xvfb", "egl", "auto");

    /** Mustache's default encode() HTML-escapes; shell scripts need the text exactly as the view gives it. */
    private static final MustacheFactory FACTORY = new DefaultMustacheFactory("org/pvrun/templates") {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private JobScripts() {}

    /**
     * The view shared by all templates (see {@code _body.sh.mustache}).
     *
     * @param arrayIndexExpr shell expression for the array index, e.g. {@code ${SLURM_ARRAY_TASK_ID:-0}}
     */
    static Map<String, Object> commonView(JobSpec job, String arrayIndexExpr) {
        validate(job);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("arrayIndexExpr", arrayIndexExpr);
        view.put("runDir", Shell.quote(job.runDir()));
        view.put("jobDir", Shell.quote(job.jobDir()));
        List<String> exports = new ArrayList<>();
        // sorted: the script must not depend on the map's iteration order (golden files, resume hashes)
        new TreeMap<>(job.environment()).forEach((name, value) -> exports.add(name + "=" + Shell.quote(value)));
        view.put("exports", exports);
        view.put("hasSetup", !job.setup().isEmpty());
        view.put("setupCalls", SetupLines.calls(job.setup()));
        view.put("displayXvfb", job.display().equals("xvfb"));
        view.put("displayAuto", job.display().equals("auto"));
        view.put("needsXvfb", job.display().equals("xvfb") || job.display().equals("auto"));
        view.put("launch", Shell.join(job.launch()));
        view.put("stopSignal", job.stopSignalSeconds() > 0);
        return view;
    }

    static String render(String template, Map<String, Object> view) {
        Mustache mustache = FACTORY.compile(template);
        StringWriter out = new StringWriter();
        mustache.execute(out, view);
        return out.toString();
    }

    /** A path for a directive line; see {@link #DIRECTIVE_PATH}. */
    static String directivePath(String field, String path) {
        if (!DIRECTIVE_PATH.matcher(path).matches()) {
            throw new IllegalArgumentException(field + " '" + path + "' cannot go on a batch directive line: it must be"
                    + " an absolute path of letters, digits and _./+@- (no spaces, %, : or quotes)");
        }
        return path;
    }

    private static void validate(JobSpec job) {
        if (!JOB_NAME.matcher(job.jobName()).matches()) {
            throw new IllegalArgumentException("jobName '" + job.jobName() + "' must be 1-200 of [A-Za-z0-9._-]");
        }
        if (job.ranks() < 1) {
            throw new IllegalArgumentException("ranks must be at least 1, got " + job.ranks());
        }
        if (job.arraySize() < 1 || job.maxParallel() < 0 || job.arrayOffset() < 0) {
            throw new IllegalArgumentException("arraySize must be >= 1, maxParallel and arrayOffset >= 0, got "
                    + job.arraySize() + ", " + job.maxParallel() + " and " + job.arrayOffset());
        }
        if (!DISPLAYS.contains(job.display())) {
            throw new IllegalArgumentException("display '" + job.display() + "' must be one of " + DISPLAYS);
        }
        if (job.launch().isEmpty()) {
            throw new IllegalArgumentException("launch must not be empty");
        }
        for (String name : job.environment().keySet()) {
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("environment variable name '" + name + "' is not a shell name");
            }
        }
        if (!job.runDir().startsWith("/") || !job.jobDir().startsWith("/")) {
            throw new IllegalArgumentException("runDir and jobDir must be absolute, got '" + job.runDir() + "' and '"
                    + job.jobDir() + "'");
        }
    }
}
