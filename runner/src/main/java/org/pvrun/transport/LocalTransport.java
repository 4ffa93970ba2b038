package org.pvrun.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pvrun.util.Shell;

/** Runs commands as local processes (never through a shell) and moves files on this machine. */
public final class LocalTransport implements Transport {
    /** How long a killed process tree gets to go after SIGTERM before SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    @Override
    public String describe() {
        return "local";
    }

    /**
     * Runs {@code argv} with the environment of this process, stdin closed, stdout and stderr captured (both
     * drained concurrently, so large output cannot stall the process). A {@code null}, zero or negative
     * timeout means no limit; on timeout the process and all its descendants are killed.
     *
     * @throws ExecTimeoutException if the timeout expired (after killing the process tree)
     * @throws IOException if the program cannot be started
     */
    @Override
    public ExecResult exec(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        String command = Shell.join(argv);
        Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Drain out = new Drain(process.getInputStream(), "local-stdout");
        Drain err = new Drain(process.getErrorStream(), "local-stderr");
        boolean finished = false;
        try {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                process.waitFor();
                finished = true;
            } else {
                finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            if (!finished) {
                killTree(process); // timed out, or this thread was interrupted: never leave the tree behind
            }
        }
        // a grandchild that inherited stdout can keep the pipe open after the child exits: do not wait forever
        out.join(finished ? Duration.ofSeconds(10) : GRACE);
        err.join(finished ? Duration.ofSeconds(10) : GRACE);
        if (!finished) {
            throw new ExecTimeoutException(timeout, new ExecResult(command, -1, out.text(), err.text()));
        }
        return new ExecResult(command, process.exitValue(), out.text(), err.text());
    }

    /** SIGTERM to the process and every descendant (taken before the parent dies and they get re-parented), then SIGKILL. */
    private static void killTree(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : tree) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        // descendants started during the grace period are caught here too
        process.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** Creates the directory and its missing parents; the ones it creates get exactly {@code mode} (umask ignored). */
    @Override
    public void mkdirs(String dir, int mode) throws IOException {
        Path path = Path.of(dir).toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        for (Path p = path; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, LocalFiles.permissions(mode));
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("cannot create directory " + path + ": a file of that name exists");
        }
    }

    @Override
    public void upload(Path local, String remotePath) throws IOException {
        LocalFiles.copyAtomically(local, Path.of(remotePath));
    }

    @Override
    public void download(String remotePath, Path local) throws IOException {
        LocalFiles.copyAtomically(Path.of(remotePath), local);
    }

    /**
     * Copies the listed files and directories (recursively), relative to {@code remoteDir}, into {@code localDir},
     * each file through a temporary name. Same contract as the SSH transport's method of the same name.
     */
    public void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException {
        copyTree(Path.of(remoteDir), relativePaths, localDir);
    }

    /** The reverse of {@link #downloadTree}. */
    public void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException {
        copyTree(localDir, relativePaths, Path.of(remoteDir));
    }

    private static void copyTree(Path from, List<String> relativePaths, Path to) throws IOException {
        for (String rel : relativePaths) {
            String name = TarPolicy.checkRelative(rel);
            Path source = name.isEmpty() ? from : from.resolve(name);
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot copy " + source + ": no such file or directory");
            }
            try (Stream<Path> walk = Files.walk(source)) {
                walk.forEach(p -> {
                    Path target = to.resolve(from.relativize(p).toString());
                    try {
                        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createDirectories(target);
                        } else if (Files.isRegularFile(p)) {
                            LocalFiles.copyAtomically(p, target);
                        } else {
                            throw new IOException("cannot copy " + p + ": not a regular file or directory");
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    @Override
    public void close() {}

    /** inotify through the JDK's watch service: a task's verdict is seen as soon as it is renamed into place. */
    @Override
    public Watch watch(List<String> dirs) throws IOException {
        WatchService service = java.nio.file.FileSystems.getDefault().newWatchService();
        try {
            for (String d : dirs) {
                Path p = Path.of(d);
                if (Files.isDirectory(p)) {
                    p.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                }
            }
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        return new Watch() {
            @Override
            public boolean await(long millis) throws InterruptedException {
                WatchKey key = service.poll(millis, TimeUnit.MILLISECONDS);
                if (key == null) {
                    return false;
                }
                key.pollEvents();
                key.reset();
                return true;
            }

            @Override
            public void close() throws IOException {
                service.close();
            }
        };
    }
}
