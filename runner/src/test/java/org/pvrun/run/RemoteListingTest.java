package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.util.Hashes;

/**
 * The command that lists a run directory with its hashes on the target ({@link Fetch#SHA256_LIST}), run here by
 * sh: with openssl on the PATH and without it (coreutils' sha256sum only), on file names that test the
 * record format (spaces, a backslash, a newline, an asterisk, non-ASCII); symbolic links are listed as such.
 */
class RemoteListingTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void listsEveryFileWithItsHashWhateverItsName(boolean withOpenssl) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("find", "sha256sum", "tr", "sh", "printf", "mv", "cat", "rm", "sleep", "openssl")) {
            Path real = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst().orElse(null);
            if (tool.equals("openssl")) {
                assumeTrue(real != null || !withOpenssl, "no openssl here");
                if (!withOpenssl) {
                    continue;
                }
            }
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Path run = Files.createDirectories(dir.resolve("run"));
        Map<String, String> expected = new TreeMap<>();
        for (String name : List.of("tasks/0000/plain.png", "tasks/0000/with space.png", "tasks/0000/back\\slash.csv",
                "tasks/0000/new\nline.txt", "tasks/0001/star*.vtp", "tasks/0001/é日本.json", "logs/0000.log",
                "status/0000.exit", "jobs/r1/job-0.out")) {
            Path f = run.resolve(name);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "content of " + name, StandardCharsets.UTF_8);
            expected.put(name, Hashes.sha256(f));
        }
        Files.createSymbolicLink(run.resolve("tasks/0000/link"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(run.resolve("tasks/0001/up\nlink"), Path.of("../.."));
        // the listing starts the hashing in the background and returns the names; the wait returns the hashes
        String listed = sh(bin, Fetch.LIST, run.toString(), Fetch.SHA256_LIST, "t1");
        List<String> files = new java.util.ArrayList<>();
        List<String> links = new java.util.ArrayList<>();
        Map<String, Long> sizes = new TreeMap<>();
        Fetch.parseListing(listed, files, sizes, links);
        assertEquals(expected.keySet().stream().sorted().toList(), files.stream().sorted().toList());
        Map<String, Long> expectedSizes = new TreeMap<>();
        for (String name : expected.keySet()) {
            expectedSizes.put(name, Files.size(run.resolve(name)));
        }
        assertEquals(expectedSizes, sizes, "GNU find gives every file's size");
        assertEquals(List.of("tasks/0000/link", "tasks/0001/up\nlink"), links.stream().sorted().toList());
        String sums = sh(bin, Fetch.AWAIT, run.toString(), "t1");
        assertEquals(expected, new TreeMap<>(RemoteFiles.parseSha256sumZ(sums)));
        // nothing of the hashing is left behind
        try (Stream<Path> left = Files.list(run)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
        // the hashing alone, as the fallback when the background one is gone
        assertEquals(expected, new TreeMap<>(RemoteFiles.parseSha256sumZ(sh(bin, Fetch.SHA256_LIST, run.toString()))));
    }

    private static String sh(Path bin, String script, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(bin.resolve("sh").toString(), "-c", script, "sh"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("PATH", bin.toString());
        Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), script);
        return out;
    }
}
