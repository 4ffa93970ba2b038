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
        for (String tool : List.of("find", "sha256sum", "tr", "sh", "printf", "openssl")) {
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
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("sh").toString(), "-c", Fetch.SHA256_LIST, "sh", run.toString());
        pb.environment().put("PATH", bin.toString());
        Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        StringBuilder sums = new StringBuilder();
        List<String> links = new java.util.ArrayList<>();
        for (String rec : out.split("\0")) {
            if (rec.startsWith("link  ")) {
                links.add(rec.substring(6));
            } else {
                sums.append(rec).append('\0');
            }
        }
        assertEquals(expected, new TreeMap<>(RemoteFiles.parseSha256sumZ(sums.toString())));
        assertEquals(List.of("tasks/0000/link", "tasks/0001/up\nlink"), links.stream().sorted().toList());
    }
}
