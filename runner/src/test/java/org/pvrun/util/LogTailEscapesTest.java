package org.pvrun.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The log tails pvrun prints: what the script wrote, without terminal escape sequences or native frames. */
class LogTailEscapesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ~ ", value = {
        // what ~ line (\e is ESC, \a is BEL) ~ printed
        "Loguru colours ~ \\e[0m\\e[2m(   6.981s) [pvbatch.1 ] vtkPVContourFilter.cxx:178 INFO| \\e[0mContour array is null.\\e[0m"
                + " ~ (   6.981s) [pvbatch.1 ] vtkPVContourFilter.cxx:178 INFO| Contour array is null.",
        "bold red       ~ \\e[1;31mERROR\\e[m: no file                  ~ ERROR: no file",
        "private CSI    ~ \\e[?25lhidden cursor\\e[?25h                 ~ hidden cursor",
        "window title   ~ \\e]0;pvbatch\\atext                          ~ text",
        "OSC with ST    ~ \\e]8;;http://x\\e\\link\\e]8;;\\e\\ ~ link",
        "two characters ~ \\e(Btext\\e=                                 ~ text",
        "plain          ~ Traceback (most recent call last):          ~ Traceback (most recent call last):",
    })
    void escapeSequencesAreRemoved(String what, String line, String printed) {
        assertEquals(printed, LogTail.withoutEscapes(line.replace("\\e", "\u001B").replace("\\a", "\u0007")), what);
    }

    @Test
    void tailDropsEscapesBeforeTellingNativeFrames() throws IOException {
        Path log = Files.writeString(dir.resolve("0000.log"), "script said this\n"
                + "\u001B[0m\u001B[31m12      0x7f0872668fd0 /usr/lib/libvtk.so\u001B[0m\n"
                + "\u001B[31mlast words\u001B[0m\n");
        assertEquals("script said this\nlast words", LogTail.orEmpty(log, 25));
    }
}
