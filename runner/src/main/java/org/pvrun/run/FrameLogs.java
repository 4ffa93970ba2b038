package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;

/**
 * The split animation tasks' frame logs on the target ({@code status/NNNN.fdone}, a line {@code NUMBER FILE} for
 * each frame done, appended by the driver after the frame's file is complete), read in one exec. A log's last line
 * may be half-written when it is read: each log is followed by an end mark on a line of its own, so that a line
 * without its newline is recognised and left out, and never runs into the next log's header.
 */
final class FrameLogs {
    static final String LIST = "cd \"$1\"/status 2>/dev/null || exit 0; for f in *.fdone; do [ -f \"$f\" ] && "
            + "{ printf 'F %s\\n' \"$f\"; cat \"$f\"; printf '\\nE\\n'; }; done; exit 0";

    private FrameLogs() {}

    /** Task id → frame number → its file, relative to the task folder (normalised; none outside it). */
    static Map<String, Map<Integer, String>> read(Transport t, String runDir) throws IOException, InterruptedException {
        ExecResult r = t.exec(List.of("sh", "-c", LIST, "sh", runDir), Engine.COMMAND_TIMEOUT);
        return parse(r.stdout());
    }

    static Map<String, Map<Integer, String>> parse(String listing) {
        Map<String, Map<Integer, String>> out = new TreeMap<>();
        String task = null;
        List<String> block = new ArrayList<>();
        for (String line : listing.split("\n", -1)) {
            if (task == null) {
                if (line.matches("F \\d{1,9}\\.fdone")) {
                    task = line.substring(2, line.length() - ".fdone".length());
                    block.clear();
                }
            } else if (line.equals("E")) {
                // the last line before the mark is empty when the log ended with its newline, and half-written
                // when it did not: either way it is not a frame
                int whole = block.size() - 1;
                Map<Integer, String> frames = out.computeIfAbsent(task, k -> new TreeMap<>());
                for (int i = 0; i < whole; i++) {
                    add(frames, block.get(i));
                }
                task = null;
            } else {
                block.add(line);
            }
        }
        return out;
    }

    private static void add(Map<Integer, String> frames, String line) {
        if (!line.matches("\\d{1,9} [^/].*")) {
            return;
        }
        String[] f = line.split(" ", 2);
        Path p = Path.of(f[1]).normalize();
        if (!p.startsWith("..") && !p.toString().isEmpty()) {
            frames.put(Integer.parseInt(f[0]), p.toString());
        }
    }
}
