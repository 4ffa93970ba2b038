package org.pvrun.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;

/** What a finished run prints: one summary line, the outputs, and for each failed task the end of its log. */
public final class Reports {
    static final int LOG_TAIL_LINES = 25;
    /** {@code 12      0x7f0872668fd0 /usr/lib/...}: one frame of Loguru's stack trace. */
    private static final java.util.regex.Pattern NATIVE_FRAME = java.util.regex.Pattern.compile("\\d+ +0x[0-9a-f]+ ");
    /**
     * Terminal escape sequences: CSI (ParaView's Loguru colours every line: {@code ESC[0m ESC[2m}), OSC (window
     * titles, links) and two-character escapes. In a log tail they are noise, or worse, in a terminal.
     */
    private static final java.util.regex.Pattern ESCAPES = java.util.regex.Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?|\u001B[ -/]*[0-~]");

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
                String tail = tail(runDir.resolve(t.log()), LOG_TAIL_LINES);
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

    /**
     * The last {@code lines} lines of a log, without terminal escape sequences and without the frames of a native
     * stack trace (ParaView's Loguru prints some thirty of them when pvbatch dies of a signal; they would push out
     * what the script printed last).
     */
    public static String tail(Path file, int lines) {
        List<String> all = Hosts.readIfExists(file).lines().map(Reports::withoutEscapes)
                .filter(l -> !NATIVE_FRAME.matcher(l).lookingAt()).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static String withoutEscapes(String line) {
        return ESCAPES.matcher(line).replaceAll("");
    }

    static Path relativeToCwd(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p) : p;
    }
}
