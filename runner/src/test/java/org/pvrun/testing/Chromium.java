package org.pvrun.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, for tests that load a page pvrun wrote the way a user's browser
 * would. Each call starts a fresh browser with a profile of its own (docs/testing.md). When chromium is not
 * on PATH the test is skipped, unless {@code PVRUN_REQUIRE_CLUSTER} is set (as in CI), in which case it fails.
 */
public final class Chromium {
    /** Flags verified to run as root in a container: no sandbox, GPU, first-run UI or background network. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000");
    static final long TIMEOUT_SECONDS = 120;

    private final Path exe;

    private Chromium(Path exe) {
        this.exe = exe;
    }

    public static Chromium require() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(p)) {
                return new Chromium(p);
            }
        }
        String msg = "chromium not found on PATH (install it with scripts/install-deps --test)";
        if (System.getenv("PVRUN_REQUIRE_CLUSTER") != null) {
            fail(msg + "; PVRUN_REQUIRE_CLUSTER is set, so this is an error");
        }
        assumeTrue(false, msg);
        return null;
    }

    /** The page's DOM after it loaded and its scripts ran, serialised. */
    public String dumpDom(Path html) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", html.toUri().toString()));
    }

    /** A PNG of the page's first {@code width} × {@code height} pixels, as a browser window of that size shows it. */
    public Path screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), html.toUri().toString()));
        return png;
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("pvrun-chromium-");
        Path out = profile.resolveSibling(profile.getFileName() + ".out");
        Path err = profile.resolveSibling(profile.getFileName() + ".err");
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
            }
            if (p.exitValue() != 0) {
                fail("chromium exited with " + p.exitValue() + ": " + cmd + "\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            try (Stream<Path> s = Files.walk(profile)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException ignored) {
                // a profile file chromium's last child still held: the temp dir is cleaned eventually
            }
        }
    }
}
