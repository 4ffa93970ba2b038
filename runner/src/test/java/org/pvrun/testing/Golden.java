package org.pvrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under runner/src/test/resources/golden. {@code PVRUN_UPDATE_GOLDEN=1} (or
 * {@code -Dpvrun.updateGolden=true}) rewrites them in the source tree after a deliberate change.
 */
public final class Golden {
    private Golden() {}

    public static boolean updateRequested() {
        return "1".equals(System.getenv("PVRUN_UPDATE_GOLDEN")) || Boolean.getBoolean("pvrun.updateGolden");
    }

    /** Asserts that {@code actual} equals the golden file {@code name} (rewriting it first when asked to). */
    public static void assertMatches(String name, String actual) throws IOException {
        Path file = dir().resolve(name);
        if (updateRequested()) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual,
                "differs from golden file " + file + " (PVRUN_UPDATE_GOLDEN=1 rewrites it)");
    }

    /** The source directory when updating (so the files in git change), the test classpath copy otherwise. */
    public static Path dir() throws IOException {
        if (updateRequested()) {
            Path dir = Path.of(System.getProperty("pvrun.repo", ".."), "runner/src/test/resources/golden");
            Files.createDirectories(dir);
            return dir;
        }
        try {
            return Path.of(Golden.class.getResource("/golden").toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IOException("golden files not on the test classpath; run once with PVRUN_UPDATE_GOLDEN=1", e);
        }
    }
}
