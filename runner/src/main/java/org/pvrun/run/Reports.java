package org.pvrun.run;

import java.io.PrintStream;
import java.nio.file.Path;

import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.LogTail;

/** What a finished run prints: one summary line, the outputs, and for each failed task the end of its log. */
public final class Reports {
    static final int LOG_TAIL_LINES = 25;

    private Reports() {}

    static void print(RunOptions o, Manifest m, Path runDir) {
        PrintStream out = o.out();
        Path shown = relativeToCwd(runDir);
        if (!o.quiet()) {
            out.printf("pvrun: %s run %s %s (%d task%s, %.1f s)%n", m.pipeline(), m.runId(), m.status(),
                    m.tasks().size(), m.tasks().size() == 1 ? "" : "s", m.durationSeconds());
        }
        for (Manifest.TaskRecord t : m.tasks()) {
            if (!t.status().equals("succeeded")) {
                o.err().printf("pvrun: task %04d %s: %s%n", t.index(), t.status(), t.reason());
                String tail = LogTail.orEmpty(runDir.resolve(t.log()), LOG_TAIL_LINES);
                if (!tail.isBlank()) {
                    o.err().println("  ---- end of " + shown.resolve(t.log()) + " ----");
                    tail.lines().forEach(l -> o.err().println("  " + l));
                }
                o.err().println("  log: " + shown.resolve(t.log()));
            }
            if (!o.quiet()) {
                for (Manifest.OutputRecord r : t.outputs()) {
                    out.println("  " + shown.resolve(r.path()));
                }
            }
        }
        if (!o.quiet()) {
            out.println("  manifest: " + shown.resolve(ManifestIO.FILE));
        }
    }

    static Path relativeToCwd(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p) : p;
    }
}
