package org.pvrun.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a pvbatch script is Python at all, asked of this machine's python3 ({@code compile()}, nothing runs):
 * what {@code pvrun validate} adds to the spec's own checks, so a typo fails here instead of in every task of a
 * queued sweep. The target's ParaView may bring another Python; a script this python3 refuses for a newer
 * syntax is still reported, with the version that refused it.
 */
public final class ScriptSyntax {
    /** The checker: prints {@code LINE COL MESSAGE} of the first syntax error, nothing when the script compiles. */
    private static final String CHECK = "import sys\n"
            + "try:\n"
            + "    compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')\n"
            + "except SyntaxError as e:\n"
            + "    print(e.lineno or 0, e.offset or 0, '%s: %s' % (type(e).__name__, e.msg))\n"
            + "    print('python %d.%d' % sys.version_info[:2])\n"
            + "    sys.exit(1)\n";

    private ScriptSyntax() {}

    /**
     * Null when the script compiles (or no python3 could say: the check is skipped, not failed); else the error
     * as {@code FILE:LINE:COL: SyntaxError: ...}.
     */
    public static String check(Path script, String python) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(python, "-c", CHECK, script.toString())).redirectErrorStream(true).start();
        } catch (IOException noPython) {
            return null;
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() == 0) {
                return null;
            }
            List<String> lines = out.lines().toList();
            String[] first = lines.isEmpty() ? new String[0] : lines.get(0).split(" ", 3);
            if (first.length < 3) {
                return null; // python3 failed otherwise (cannot read the file, say): the loader reports files
            }
            return script + ":" + first[0] + ":" + first[1] + ": " + first[2]
                    + (lines.size() > 1 ? " (checked with " + lines.get(1) + ")" : "");
        } catch (IOException e) {
            return null;
        }
    }
}
