package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.util.Shell;

/**
 * {@link Shell#quote} is what keeps job scripts and remote commands safe, so it is checked twice: the exact
 * quoted text, and a round trip through the real /bin/sh.
 */
class ShellQuotingTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                  | "''"
            plain               | plain
            /a/b-c_d.e:f=g,h@i+j%k | /a/b-c_d.e:f=g,h@i+j%k
            two words           | 'two words'
            it's                | 'it'"'"'s'
            $(touch x)          | '$(touch x)'
            `id`                | '`id`'
            "a\\nb"             | "'a\\nb'"
            Grüße ✓             | 'Grüße ✓'
            *                   | '*'
            ~root               | '~root'
            -n                  | -n
            """)
    void quotesExactly(String raw, String quoted) {
        String value = raw.replace("\\n", "\n");
        assertEquals(quoted.replace("\\n", "\n"), Shell.quote(value));
    }

    static final List<String> HOSTILE = List.of("", "plain", "two  words", "it's", "$(touch x)", "`touch y`",
            "a\nb", "Grüße ✓ 日本", "*", "~", "$HOME", "\\", "'", "\"", "-n", "a;b|c&d>e<f", "\t");

    /** Every value reaches printf unchanged, and nothing inside it was executed or expanded. */
    @Test
    void roundTripsThroughTheRealShell(@TempDir Path dir) throws Exception {
        for (String value : HOSTILE) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "printf %s " + Shell.quote(value))
                    .directory(dir.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "printf failed for " + value);
            assertEquals(value, new String(out, StandardCharsets.UTF_8), "round trip of " + value);
        }
        assertFalse(Files.exists(dir.resolve("x")), "$(touch x) was executed");
        assertFalse(Files.exists(dir.resolve("y")), "`touch y` was executed");
    }

    @Test
    void joinQuotesEachWord() {
        assertEquals("pvbatch 'a b' '' 'it'\"'\"'s'", Shell.join(List.of("pvbatch", "a b", "", "it's")));
    }
}
