package org.pvrun.run;

import java.nio.file.Path;
import java.util.List;

import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;

/** Prints what a finished run says ({@link RunSummary}): failures on stderr first, then the closing lines. */
public final class Reports {
    static final int LOG_TAIL_LINES = 25;
    /** {@code 12      0x7f0872668fd0 /usr/lib/...}: one frame of Loguru's stack trace. */
    private static final java.util.regex.Pattern NATIVE_FRAME = java.util.regex.Pattern.compile("\\d+ +0x[0-9a-f]+ ");

    private Reports() {}

    static void print(RunOptions o, Manifest m, Path runDir) {
        Path shown = relativeToCwd(runDir);
        RunSummary.Lines lines = RunSummary.of(m, shown, t -> tail(runDir.resolve(t.log()), LOG_TAIL_LINES), o.quiet(),
                o.listOutputs() || o.verbose());
        lines.err().forEach(o.err()::println);
        o.err().flush();
        lines.out().forEach(o.out()::println);
    }

    /**
     * The last {@code lines} lines of a log, without the frames of a native stack trace (ParaView's Loguru prints
     * some thirty of them when pvbatch dies of a signal; they would push out what the script printed last).
     */
    public static String tail(Path file, int lines) {
        List<String> all = Hosts.readIfExists(file).lines().filter(l -> !NATIVE_FRAME.matcher(l).lookingAt()).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static Path relativeToCwd(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p) : p;
    }
}
