package org.pvrun.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one log-tail function that the run summary, doctor, the JUnit report and the HTML report share. */
class LogTailTest {
    @TempDir
    Path tmp;

    @Test
    void theLastLinesWithoutColoursOrNativeStackFrames() throws IOException {
        Path log = Files.writeString(tmp.resolve("a.log"), "one\n\u001B[31mtwo\u001B[0m\nthree\n"
                + "12      0x7f0872668fd0 /usr/lib/x86_64-linux-gnu/libvtk.so\n"
                + "13 0x7f0872668fd1 /usr/lib/libc.so\nfour\n");
        assertEquals("two\nthree\nfour", LogTail.of(log, 3));
        assertEquals("one\ntwo\nthree\nfour", LogTail.of(log, 100));
    }

    @Test
    void readsOnlyTheEndOfALargeLogAndDropsTheLineItCut() throws IOException {
        String lines = IntStream.range(0, 20_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        Path log = Files.writeString(tmp.resolve("big.log"), lines + "\n");
        String tail = LogTail.of(log, 100_000);
        assertTrue(tail.length() <= LogTail.MAX_BYTES, "at most the last 64 KiB");
        assertTrue(tail.endsWith("line 19999"), tail.substring(tail.length() - 20));
        String first = tail.lines().findFirst().orElseThrow();
        assertTrue(lines.contains("\n" + first + "\n"), "the first line shown is whole: " + first);
    }

    @Test
    void aMissingLogHasNoTail() {
        assertNull(LogTail.of(tmp.resolve("none.log"), 10));
        assertEquals("", LogTail.orEmpty(tmp.resolve("none.log"), 10));
        assertNull(LogTail.of(tmp, 10), "a directory is no log");
    }
}
