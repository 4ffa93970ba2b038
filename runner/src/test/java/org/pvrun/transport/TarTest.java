package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tar streams checked against the system's GNU tar in both directions. */
class TarTest {
    private static final String LONG_DIR = "a-directory-name-that-is-quite-long-" + "x".repeat(60);
    private static final String LONG_FILE = "a-file-name-longer-than-one-hundred-bytes-" + "y".repeat(70) + ".vtk";

    @TempDir
    Path tmp;

    /** A tree with short, long (ustar prefix and beyond), non-ASCII, empty and executable files. */
    private Path sampleTree() throws IOException {
        Path root = tmp.resolve("sample");
        write(root.resolve("top/small.txt"), "small\n".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("top/empty"), new byte[0]);
        byte[] big = new byte[700_000];
        new Random(1).nextBytes(big);
        write(root.resolve("top/big.bin"), big);
        write(root.resolve("top/" + LONG_DIR + "/" + LONG_FILE), "long\n".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("top/" + LONG_DIR + "/" + LONG_DIR + "/" + LONG_DIR + "/deep.txt"), "deep\n".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("top/ünïcødé ümlaut.txt"), "u\n".getBytes(StandardCharsets.UTF_8));
        Path script = write(root.resolve("top/run.sh"), "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("top/emptydir"));
        return root;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "posix", "ustar-or-gnu"})
    void extractsWhatGnuTarWrites(String format) throws Exception {
        Path root = sampleTree();
        Path archive = tmp.resolve("a.tar");
        List<String> cmd = new ArrayList<>(List.of("tar", "-cf", archive.toString(), "-C", root.toString()));
        if (!format.equals("ustar-or-gnu")) {
            cmd.add("--format=" + format);
        }
        cmd.addAll(List.of("--", "top"));
        run(cmd);
        Path dest = tmp.resolve("dest");
        List<String> written;
        try (InputStream in = Files.newInputStream(archive)) {
            written = Tar.extract(in, dest, List.of("top"));
        }
        assertTreesEqual(root, dest);
        assertEquals(7, written.size(), written.toString());
        assertTrue(Files.isExecutable(dest.resolve("top/run.sh")));
        assertTrue(Files.isDirectory(dest.resolve("top/emptydir")));
        assertEquals(Files.getLastModifiedTime(root.resolve("top/small.txt")).toMillis() / 1000,
                Files.getLastModifiedTime(dest.resolve("top/small.txt")).toMillis() / 1000);
    }

    @Test
    void gnuTarReadsWhatWeWrite() throws Exception {
        Path root = sampleTree();
        Path archive = tmp.resolve("ours.tar");
        try (var out = Files.newOutputStream(archive)) {
            Tar.write(out, root, List.of("top"));
        }
        Path dest = Files.createDirectories(tmp.resolve("gnu"));
        run(List.of("tar", "-xf", archive.toString(), "-C", dest.toString()));
        assertTreesEqual(root, dest);
        assertTrue(Files.isExecutable(dest.resolve("top/run.sh")));
        String listing = run(List.of("tar", "-tvf", archive.toString()));
        assertTrue(listing.contains(LONG_FILE), listing);
    }

    @Test
    void roundTripThroughOurOwnReaderAndWriter() throws Exception {
        Path root = sampleTree();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Tar.write(buf, root, List.of("top/small.txt", "top/" + LONG_DIR));
        Path dest = tmp.resolve("rt");
        Tar.extract(new ByteArrayInputStream(buf.toByteArray()), dest, List.of("top/small.txt", "top/" + LONG_DIR));
        assertEquals("small\n", Files.readString(dest.resolve("top/small.txt")));
        assertEquals("deep\n", Files.readString(dest.resolve("top/" + LONG_DIR + "/" + LONG_DIR + "/" + LONG_DIR + "/deep.txt")));
        assertFalse(Files.exists(dest.resolve("top/big.bin")));
    }

    @Test
    void refusesSymbolicAndHardLinks() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("links"));
        Files.writeString(src.resolve("target"), "t");
        Files.createSymbolicLink(src.resolve("sym"), Path.of("/etc/passwd"));
        Files.createLink(src.resolve("hard"), src.resolve("target"));
        assertRefused(tar(src, "sym"), "symbolic link");
        assertRefused(tar(src, "target", "hard"), "hard link");
    }

    @Test
    void refusesAbsoluteNamesAndDotDot() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "x");
        Path archive = tmp.resolve("abs.tar");
        run(List.of("tar", "-cPf", archive.toString(), outside.toString()));
        assertRefused(Files.readAllBytes(archive), "absolute");

        Path inner = Files.createDirectories(tmp.resolve("inner"));
        Path dotdot = tmp.resolve("dotdot.tar");
        run(List.of("tar", "-C", inner.toString(), "-cPf", dotdot.toString(), "../outside.txt"));
        assertRefused(Files.readAllBytes(dotdot), "..");
    }

    @Test
    void refusesEntriesOutsideTheRequestedPaths() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("s"));
        Files.writeString(src.resolve("wanted"), "w");
        Files.writeString(src.resolve("unwanted"), "u");
        byte[] archive = tar(src, "wanted", "unwanted");
        Path dest = tmp.resolve("d");
        IOException e = assertThrows(IOException.class,
                () -> Tar.extract(new ByteArrayInputStream(archive), dest, List.of("wanted")));
        assertTrue(e.getMessage().contains("unwanted"), e.getMessage());
    }

    @Test
    void refusesToWriteThroughALocalSymlinkedDirectory() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/sub"));
        Files.writeString(src.resolve("x"), "payload");
        byte[] archive = tar(tmp.resolve("src"), "sub");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Files.createSymbolicLink(dest.resolve("sub"), elsewhere);
        assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(archive), dest, List.of()));
        assertFalse(Files.exists(elsewhere.resolve("x")));
    }

    @Test
    void detectsTruncatedAndCorruptStreams() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("t"));
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        Files.write(src.resolve("f"), data);
        byte[] archive = tar(src, "f");
        Path dest = tmp.resolve("d");
        byte[] truncated = Arrays.copyOf(archive, 50_000);
        assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(truncated), dest, List.of()));
        assertFalse(Files.exists(dest.resolve("f")), "a partial file never gets its final name");
        try (Stream<Path> s = Files.list(dest)) {
            assertEquals(0, s.count(), "and its temporary file is removed");
        }
        byte[] noEnd = Arrays.copyOf(archive, 512 + 100_000 + (512 - 100_000 % 512));
        assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(noEnd), dest, List.of()));
        byte[] corrupt = archive.clone();
        corrupt[10] ^= 1; // inside the name: the header checksum no longer matches
        IOException e = assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(corrupt), dest, List.of()));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void checkRelativeNormalisesAndRefuses() throws Exception {
        assertEquals("a/b", TarPolicy.checkRelative("./a//b/"));
        assertEquals("", TarPolicy.checkRelative("."));
        assertEquals("a..b/..c", TarPolicy.checkRelative("a..b/..c"));
        for (String bad : List.of("/etc/passwd", "../x", "a/../../x", "a/..", "a\0b")) {
            assertThrows(IOException.class, () -> TarPolicy.checkRelative(bad), bad);
        }
    }

    @ParameterizedTest
    @ValueSource(chars = {'x', 'L'})
    void refusesMetadataRecordsOverTheCap(char type) throws Exception {
        int size = (int) TarPolicy.MAX_META_BYTES + 1;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            TarArchiveEntry meta = new TarArchiveEntry("meta", (byte) type);
            meta.setSize(size);
            out.putArchiveEntry(meta);
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) 'a');
            byte[] head = (size + " comment=").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, data, 0, head.length);
            data[size - 1] = '\n';
            out.write(data);
            out.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry("f");
            out.putArchiveEntry(file);
            out.closeArchiveEntry();
        }
        assertRefused(buf.toByteArray(), "extended header of " + size + " bytes");
    }

    // ---------------------------------------------------------------- helpers

    private void assertRefused(byte[] archive, String why) {
        Path dest = tmp.resolve("refused-" + Math.abs(Arrays.hashCode(archive)));
        IOException e = assertThrows(IOException.class, () -> Tar.extract(new ByteArrayInputStream(archive), dest, List.of()));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private byte[] tar(Path dir, String... names) throws Exception {
        Path archive = Files.createTempFile(tmp, "t", ".tar");
        List<String> cmd = new ArrayList<>(List.of("tar", "-cf", archive.toString(), "-C", dir.toString(), "--"));
        cmd.addAll(List.of(names));
        run(cmd);
        return Files.readAllBytes(archive);
    }

    private static Path write(Path p, byte[] content) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    private static void assertTreesEqual(Path expected, Path actual) throws IOException {
        assertEquals(files(expected).keySet(), files(actual).keySet());
        for (var e : files(expected).entrySet()) {
            assertArrayEquals(e.getValue(), files(actual).get(e.getKey()), e.getKey());
        }
    }

    private static TreeMap<String, byte[]> files(Path root) throws IOException {
        TreeMap<String, byte[]> map = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    map.put(root.relativize(p).toString(), Files.readAllBytes(p));
                } else if (Files.isDirectory(p)) {
                    map.put(root.relativize(p) + "/", new byte[0]);
                }
            }
        }
        return map;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), cmd + ":\n" + out);
        return out;
    }
}
