package org.pvrun.run;

import java.nio.file.Path;

import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.LogTail;

/** Prints what a finished run says ({@link RunSummary}): failures on stderr first, then the closing lines. */
public final class Reports {
    static final int LOG_TAIL_LINES = 25;

    private Reports() {}

    static void print(RunOptions o, Manifest m, Path runDir) {
        Path shown = relativeToCwd(runDir);
        RunSummary.Lines lines = RunSummary.of(m, shown, t -> LogTail.orEmpty(runDir.resolve(t.log()), LOG_TAIL_LINES),
                o.quiet(), o.listOutputs() || o.verbose());
        lines.err().forEach(o.err()::println);
        o.err().flush();
        lines.out().forEach(o.out()::println);
    }

    static Path relativeToCwd(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p) : p;
    }
}
