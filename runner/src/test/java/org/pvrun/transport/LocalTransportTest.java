package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTransportTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final LocalTransport local = new LocalTransport();

    @Test
    void argumentsArePassedWithoutAShell() throws Exception {
        Path canary = tmp.resolve("canary");
        List<String> args = List.of("two words", "it's", "$(touch " + canary + ")", "`touch " + canary + "`", "*", "");
        List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
        argv.addAll(args);
        ExecResult r = local.exec(argv, T);
        assertEquals(0, r.exitStatus(), r.evidence());
        assertEquals(args.stream().map(a -> "[" + a + "]\n").collect(Collectors.joining()), r.stdout());
        assertFalse(Files.exists(canary));
        assertEquals("printf '[%s]\\n' 'two words'", r.command().substring(0, 27), r.command());
    }

    @Test
    void exitStatusAndBothStreamsAreCaptured() throws Exception {
        ExecResult r = local.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 7"), T);
        assertEquals(7, r.exitStatus());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertEquals("", local.exec(List.of("cat"), T).stdout(), "stdin is at end of file");
    }

    @Test
    void largeOutputOnBothStreamsDoesNotDeadlock() throws Exception {
        ExecResult r = local.exec(List.of("sh", "-c",
                "head -c 5000000 /dev/zero | tr '\\0' a >&2; head -c 5000000 /dev/zero | tr '\\0' b"), T);
        assertEquals(0, r.exitStatus());
        assertEquals(5_000_000, r.stdout().length());
        assertEquals(5_000_000, r.stderr().length());
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        long t0 = System.nanoTime();
        ExecTimeoutException e = assertThrows(ExecTimeoutException.class, () -> local.exec(
                List.of("sh", "-c", "sleep 300 & echo $! > " + pidFile + "; echo started; wait"), Duration.ofSeconds(1)));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10);
        assertEquals("started\n", e.partial().stdout());
        long child = Long.parseLong(Files.readString(pidFile).strip());
        for (int i = 0; i < 50 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the background sleep was killed too");
    }

    @Test
    void missingProgramIsAnIOException() {
        assertThrows(IOException.class, () -> local.exec(List.of("pvrun-no-such-program"), T));
    }

    @Test
    void mkdirsAppliesTheModeToCreatedDirectoriesOnly() throws Exception {
        Path existing = Files.createDirectory(tmp.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deep = existing.resolve("a/b/c");
        local.mkdirs(deep.toString(), 0700);
        for (Path p : List.of(existing.resolve("a"), existing.resolve("a/b"), deep)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)));
        local.mkdirs(deep.toString(), 0755); // already there
        Files.writeString(tmp.resolve("file"), "x");
        assertThrows(IOException.class, () -> local.mkdirs(tmp.resolve("file/sub").toString(), 0700));
    }

    @Test
    void uploadAndDownloadReplaceAtomicallyAndLeaveNoTemporaryFiles() throws Exception {
        Path src = Files.writeString(tmp.resolve("src.txt"), "one");
        Path dest = tmp.resolve("out/nested/dest.txt");
        local.upload(src, dest.toString());
        assertEquals("one", Files.readString(dest));
        Files.writeString(src, "two");
        local.upload(src, dest.toString());
        assertEquals("two", Files.readString(dest));
        Path back = tmp.resolve("back/b.txt");
        local.download(dest.toString(), back);
        assertEquals("two", Files.readString(back));
        try (Stream<Path> s = Files.walk(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".part-")));
        }
        assertThrows(IOException.class, () -> local.download(tmp.resolve("missing").toString(), tmp.resolve("m")));
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void downloadTreeCopiesTheRequestedPaths() throws Exception {
        Path remote = tmp.resolve("remote");
        for (int i = 0; i < 20; i++) {
            Path f = remote.resolve("tree/d" + (i % 3) + "/f" + i);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i);
        }
        Files.writeString(remote.resolve("other"), "not requested");
        Path dest = tmp.resolve("dest");
        local.downloadTree(remote.toString(), List.of("tree"), dest);
        for (int i = 0; i < 20; i++) {
            assertEquals("file " + i, Files.readString(dest.resolve("tree/d" + (i % 3) + "/f" + i)));
        }
        assertFalse(Files.exists(dest.resolve("other")));
        assertThrows(IOException.class, () -> local.downloadTree(remote.toString(), List.of("../x"), dest));
        assertThrows(IOException.class, () -> local.downloadTree(remote.toString(), List.of("nope"), dest));
    }
}
