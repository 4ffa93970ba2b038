package org.pvrun.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pvrun as people install it (docs/install.md): the distribution archive unpacked in a fresh folder runs the
 * quick start with real pvbatch; scripts/install puts a pvrun on PATH that works from any folder, also through
 * a symbolic link to it; the checkout's own launcher works through a symbolic link too.
 */
class DistributionIT {
    static Path repo;
    static Path archive;

    @BeforeAll
    static void findTheArchive() throws IOException {
        repo = Path.of(System.getProperty("pvrun.repo", "..")).toAbsolutePath().normalize();
        try (Stream<Path> s = Files.list(repo.resolve("dist/target"))) {
            archive = s.filter(p -> p.getFileName().toString().matches("pvrun-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no pvrun-*.tar.gz in dist/target: mvn package builds it"));
        }
    }

    @Test
    void theArchiveUnpackedInAFreshFolderRunsTheQuickStart(@TempDir Path tmp) throws Exception {
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        assertEquals(0, run(unpacked, Map.of(), "tar", "-xzf", archive.toString()).code);
        Path root;
        try (Stream<Path> s = Files.list(unpacked)) {
            root = s.findFirst().orElseThrow();
        }
        for (String f : List.of("bin/pvrun", "lib/pvrun/pvrun.jar", "share/man/man1/pvrun.1", "share/man/man1/pvrun-run.1",
                "share/bash-completion/completions/pvrun", "share/pvrun/examples/pipelines/quickstart.yaml")) {
            assertTrue(Files.isRegularFile(root.resolve(f)), "the archive has " + f);
        }
        assertTrue(Files.isExecutable(root.resolve("bin/pvrun")));
        String man = Files.readString(root.resolve("share/man/man1/pvrun.1"));
        assertTrue(man.contains(".TH \"PVRUN\" \"1\""), "pvrun.1 is a rendered man page");
        assertFalse(man.contains("pvrun dev"), "the man page names the version, not 'dev'");

        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Result r = run(elsewhere, env(tmp), root.resolve("bin/pvrun").toString(),
                root.resolve("share/pvrun/examples/pipelines/quickstart.yaml").toString(), "-o", "out");
        assertEquals(0, r.code, r.output);
        List<Path> pngs;
        try (Stream<Path> s = Files.walk(elsewhere.resolve("out"))) {
            pngs = s.filter(p -> p.toString().endsWith("/tasks/0000/contour.png")).toList();
        }
        assertEquals(1, pngs.size(), "one quick start image under " + elsewhere.resolve("out") + "\n" + r.output);
        byte[] head = Arrays.copyOf(Files.readAllBytes(pngs.get(0)), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    }

    @Test
    void theInstalledPvrunWorksFromAnyFolderThroughASymlinkedPathEntry(@TempDir Path tmp) throws Exception {
        Path prefix = tmp.resolve("prefix");
        Result inst = run(tmp, env(tmp), repo.resolve("scripts/install").toString(), "--prefix", prefix.toString(),
                "--archive", archive.toString());
        assertEquals(0, inst.code, inst.output);
        assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/pvrun-fetch.1")));
        assertTrue(Files.isRegularFile(prefix.resolve("share/bash-completion/completions/pvrun")));
        assertTrue(Files.readString(prefix.resolve("share/zsh/site-functions/_pvrun")).startsWith("#compdef pvrun"));

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("pvrun"), prefix.resolve("bin/pvrun"));
        Map<String, String> env = env(tmp);
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        Result v = run(Path.of("/"), env, "sh", "-c", "pvrun --version");
        assertEquals(0, v.code, v.output);
        assertTrue(v.output.startsWith("pvrun "), v.output);
        assertFalse(v.output.startsWith("pvrun dev"), v.output);
        assertTrue(v.output.contains("ParaView 5."), v.output);

        // bash finds the completion where bash-completion looks for it, and it completes subcommands
        Result c = run(Path.of("/"), env, "bash", "-c", "source '" + prefix.resolve("share/bash-completion/completions/pvrun")
                + "'; COMP_WORDS=(pvrun fet); COMP_CWORD=1; COMP_LINE='pvrun fet'; COMP_POINT=9; "
                + "_complete_pvrun pvrun fet pvrun; printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertTrue(c.output.lines().anyMatch(l -> l.strip().equals("fetch")), c.output);

        Result un = run(tmp, env, repo.resolve("scripts/install").toString(), "--uninstall", "--prefix", prefix.toString());
        assertEquals(0, un.code, un.output);
        assertFalse(Files.exists(prefix.resolve("bin/pvrun")));
        assertFalse(Files.exists(prefix.resolve("lib/pvrun")));
        assertFalse(Files.exists(prefix.resolve("share/man/man1/pvrun.1")));
    }

    @Test
    void theCheckoutLauncherWorksThroughASymlinkOnPath(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("pvrun"), repo.resolve("pvrun"));
        Map<String, String> env = env(tmp);
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        Result v = run(tmp, env, "sh", "-c", "pvrun --version");
        assertEquals(0, v.code, v.output);
        assertTrue(v.output.startsWith("pvrun "), v.output);
        assertFalse(v.output.contains("mvn"), v.output);
    }

    /** A home and a state folder of the test's own, so nothing of the user's is read or written. */
    static Map<String, String> env(Path tmp) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("PVRUN_STATE", tmp.resolve("state").toString());
        env.remove("XDG_CACHE_HOME");
        return env;
    }

    record Result(int code, String output) {}

    static Result run(Path dir, Map<String, String> env, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(argv))).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", argv));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
