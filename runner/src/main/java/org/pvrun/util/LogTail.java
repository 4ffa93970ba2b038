package org.pvrun.util;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The end of a task's or job's log, as the run summary, {@code pvrun doctor}, the JUnit report and the HTML
 * report show it. Reads at most the last {@link #MAX_BYTES} (a log can be gigabytes), drops terminal colour
 * sequences and the frames of a native stack trace (ParaView's Loguru prints some thirty of them when pvbatch
 * dies of a signal; they would push out what the script printed last).
 */
public final class LogTail {
    public static final int MAX_BYTES = 64 * 1024;
    /**
     * Terminal escape sequences: CSI (ParaView's Loguru colours every line: {@code ESC[0m ESC[2m}), OSC (window
     * titles, links) and two-character escapes. In a log tail they are noise, or worse, in a terminal.
     */
    private static final Pattern ANSI = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?|\u001B[ -/]*[0-~]");
    /** {@code 12      0x7f0872668fd0 /usr/lib/...}: one frame of Loguru's stack trace. */
    private static final Pattern NATIVE_FRAME = Pattern.compile("\\d+ +0x[0-9a-f]+ ");

    private LogTail() {}

    /** The last {@code lines} lines of {@code log}; null when it is not a file or cannot be read. */
    public static String of(Path log, int lines) {
        if (!Files.isRegularFile(log)) {
            return null;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, f.length() - MAX_BYTES);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> all = ANSI.matcher(new String(buf, StandardCharsets.UTF_8)).replaceAll("").lines().toList();
            if (start > 0 && !all.isEmpty()) {
                all = all.subList(1, all.size()); // the first line was cut
            }
            all = all.stream().filter(l -> !NATIVE_FRAME.matcher(l).lookingAt()).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return null;
        }
    }

    /** A line without its terminal escape sequences. */
    public static String withoutEscapes(String line) {
        return ANSI.matcher(line).replaceAll("");
    }

    /** As {@link #of}, with an empty text when there is no log to read. */
    public static String orEmpty(Path log, int lines) {
        String tail = of(log, lines);
        return tail == null ? "" : tail;
    }
}
