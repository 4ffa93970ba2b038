package org.pvrun.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The corpus of refused specs in src/test/resources/specs/bad: each file's first line says
 * {@code # expect: LINE:COL: message} (or, where there is no place, just a message fragment).
 */
public final class BadSpecs {
    public static final Path DIR = Path.of("src/test/resources/specs/bad");

    private BadSpecs() {}

    public static Stream<Path> files() throws IOException {
        return Files.list(DIR).sorted();
    }

    /** What the file's first line expects: "LINE:COL: message" or a message fragment. */
    public static String expectation(Path file) throws IOException {
        // read as Latin-1: some files are deliberately not UTF-8, and the expectation itself is ASCII
        String first = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).lines().findFirst().orElseThrow();
        if (!first.startsWith("# expect: ")) {
            throw new IllegalStateException("corpus file needs an expectation: " + file);
        }
        return first.substring("# expect: ".length());
    }

    /** The text a message about {@code shownAs} must contain: "FILE:LINE:COL: message", or the fragment. */
    public static String expectedText(Path file, String shownAs) throws IOException {
        String expected = expectation(file);
        return Character.isDigit(expected.charAt(0)) ? shownAs + ":" + expected : expected;
    }
}
