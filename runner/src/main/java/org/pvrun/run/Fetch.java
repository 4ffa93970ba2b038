package org.pvrun.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.FileUtils;
import org.pvrun.PvrunException;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.spec.OutputGlobs;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;
import org.pvrun.util.Hashes;

/**
 * Copies a finished run back: lists the run directory's regular files with their SHA-256 on the target
 * ({@code find -type f} never follows links), selects outputs by the spec's globs, logs and job files,
 * streams them in one go, verifies every hash locally, then moves each into the results layout.
 */
final class Fetch {
    private final Transport t;
    private final String remoteRun;
    private final Path localRun;
    private final boolean local;
    private final Map<Integer, Integer> exitCodes = new HashMap<>();
    private final Map<Integer, List<Manifest.OutputRecord>> outputs = new HashMap<>();
    private final List<String> nodes = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    /** Listed file → its size, where the listing gave one. */
    private final Map<String, Long> sizes = new HashMap<>();
    private final List<String> skippedLinks = new ArrayList<>();
    private final java.util.Set<Integer> started = new java.util.HashSet<>();
    private final Map<Integer, List<String>> outside = new HashMap<>();
    private final Map<Integer, String> frames = new HashMap<>();

    /**
     * @param local the run directory is on this machine ({@code remoteRun} a local path): files are moved,
     *              not copied, and hashed once, where they end up
     */
    Fetch(Transport t, String remoteRun, Path localRun, boolean local) {
        this.t = t;
        this.remoteRun = remoteRun;
        this.localRun = localRun;
        this.local = local;
    }

    /**
     * Collects the given tasks' outputs (by the spec's globs), their logs and the jobs' own output. A task folder's
     * {@code own} files (what pvrun put there: the script's copy, the input links) and params.json are never
     * outputs, and only links the globs would have taken are reported.
     */
    void run(List<Task> tasks, OutputGlobs globs, java.util.Set<String> own) throws IOException, InterruptedException {
        run(tasks, globs, own, Map.of());
    }

    /** As above; of a task in {@code only} (task id → paths in its folder), only those paths. */
    void run(List<Task> tasks, OutputGlobs globs, java.util.Set<String> own, Map<String, java.util.Set<String>> only)
            throws IOException, InterruptedException {
        List<String> files = local ? listLocal() : listRemote();
        Map<String, Task> tasksById = new HashMap<>();
        tasks.forEach(task -> tasksById.put(task.id(), task));
        List<String> wanted = new ArrayList<>();
        for (String path : files) {
            String[] parts = path.split("/", 3);
            if (parts[0].equals("tasks") && parts.length == 3 && tasksById.containsKey(parts[1])) {
                if (!parts[2].equals("params.json") && !own.contains(parts[2]) && globs.matches(Path.of(parts[2]))
                        && (!only.containsKey(parts[1]) || only.get(parts[1]).contains(parts[2]))) {
                    wanted.add(path);
                }
            } else if (parts[0].equals("logs") || parts[0].equals("status")
                    || (parts[0].equals("jobs") && (path.endsWith(".out") || path.endsWith(".nodes")))) {
                wanted.add(path);
            }
        }
        for (String link : links) {
            String[] parts = link.split("/", 3);
            if (parts[0].equals("tasks") && parts.length == 3 && tasksById.containsKey(parts[1])
                    && !own.contains(parts[2]) && globs.matches(Path.of(parts[2]))) {
                skippedLinks.add(link);
            }
        }
        if (!local) {
            checkRoom(wanted);
        }
        Path staging = Files.createDirectories(localRun.resolve(".fetch"));
        try {
            collect(wanted, tasksById, staging);
        } catch (IOException | RuntimeException e) {
            if (!local) {
                // files under their final names are complete and verified; copies still on their way are dropped
                // (the run directory on the target keeps them), so a full disk gets its space back for the next fetch
                FileUtils.deleteQuietly(staging.toFile());
            }
            if (e instanceof IOException io && !(e instanceof org.pvrun.transport.ConnectionLostException)) {
                throw new IOException("cannot fetch into " + localRun + ": " + io.getMessage(), io);
            }
            throw e;
        }
        for (Task task : tasks) {
            Files.createDirectories(localRun.resolve("tasks").resolve(task.id()));
            outputs.computeIfAbsent(task.index(), k -> new ArrayList<>())
                    .sort((a, b) -> a.path().compareTo(b.path()));
        }
    }

    /**
     * Before the first byte: the files to bring must fit in the results folder (each rounded up to its file
     * system's blocks), else exit 3 with both sizes; a file listed without a size counts as empty.
     */
    private void checkRoom(List<String> wanted) throws IOException {
        List<Long> bytes = wanted.stream().map(p -> sizes.getOrDefault(p, 0L)).toList();
        long needed = DiskSpace.onDisk(bytes, DiskSpace.blockHere(localRun));
        long free = DiskSpace.freeHere(localRun);
        if (needed > free) {
            throw PvrunException.environment("cannot fetch into " + localRun + ": its "
                    + DiskSpace.shortfall(wanted.size(), needed, "the results folder", free) + "; nothing was fetched");
        }
    }

    private void collect(List<String> wanted, Map<String, Task> tasksById, Path staging)
            throws IOException, InterruptedException {
        Map<String, String> arrived = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, String> sums = Map.of(); // computed on the target
        if (!wanted.isEmpty() && !local) {
            t.downloadTree(remoteRun, wanted, staging);
            for (String path : wanted) {
                // a tar that leaves a file out (or a listing that names one tar does not have) is no fetch
                if (!Files.isRegularFile(staging.resolve(path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw PvrunException.environment(path + " was listed in " + remoteRun + " but the tar stream from the"
                            + " target did not carry it; nothing of it was kept, fetch it again");
                }
            }
            // hashed here on every core while the target may still be hashing its side (see listRemote)
            wanted.parallelStream().forEach(path -> {
                try {
                    arrived.put(path, Hashes.sha256(staging.resolve(path)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            sums = awaitRemoteHashes();
        }
        for (String path : wanted) {
            Path got = staging.resolve(path);
            if (local) {
                move(Path.of(remoteRun).resolve(path), got);
            }
            String hash = local ? Hashes.sha256(got) : arrived.get(path);
            if (!local && !hash.equals(sums.get(path))) {
                throw PvrunException.environment(path + " arrived corrupted from " + remoteRun
                        + " (its SHA-256 " + hash + " is not the " + (sums.get(path) == null ? "missing one"
                        : sums.get(path)) + " the target listed); nothing of it was kept and the run directory is kept"
                        + " on the target, fetch it again");
            }
            String[] parts = path.split("/", 3);
            switch (parts[0]) {
                case "tasks" -> {
                    Path dest = move(got, localRun.resolve(path));
                    int index = tasksById.get(parts[1]).index();
                    outputs.computeIfAbsent(index, k -> new ArrayList<>())
                            .add(new Manifest.OutputRecord(path, Files.size(dest), hash));
                }
                case "status" -> {
                    String name = got.getFileName().toString();
                    String text = Files.readString(got, StandardCharsets.UTF_8).strip();
                    if (name.endsWith(".exit") && text.matches("-?\\d+")) {
                        exitCodes.put(Integer.parseInt(name.substring(0, name.length() - 5)), Integer.parseInt(text));
                    } else if (name.endsWith(".started") && name.substring(0, name.length() - 8).matches("\\d+")) {
                        started.add(Integer.parseInt(name.substring(0, name.length() - 8)));
                    } else if (name.endsWith(".exit.frames") && name.substring(0, name.length() - 12).matches("\\d+")) {
                        int index = Integer.parseInt(name.substring(0, name.length() - 12));
                        frames.put(index, text);
                        // kept beside the log: a later --resume that reuses the task needs it for the movie
                        move(got, localRun.resolve("logs").resolve(org.pvrun.plan.Task.id(index)
                                + org.pvrun.results.ResumeCache.FRAMES_RECORD));
                    } else if (name.endsWith(".fdone") && name.substring(0, name.length() - 6).matches("\\d+")) {
                        // a split animation task's frames, kept for --resume frame by frame (ResumeCache.frames)
                        move(got, localRun.resolve("logs").resolve(name));
                    } else if (name.endsWith(".outside") && name.substring(0, name.length() - 8).matches("\\d+")) {
                        outside.put(Integer.parseInt(name.substring(0, name.length() - 8)),
                                text.lines().filter(l -> !l.isBlank()).toList());
                    }
                }
                case "jobs" -> {
                    if (path.endsWith(".nodes")) {
                        Files.readString(got).lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(nodes::add);
                    } else {
                        move(got, localRun.resolve("logs").resolve(got.getFileName()));
                    }
                }
                default -> move(got, localRun.resolve(path));
            }
        }
        FileUtils.deleteDirectory(staging.toFile());
    }

    /**
     * Every regular file under the run directory's parts with its SHA-256, as NUL-terminated "HASH  NAME"
     * records, so any file name comes back as it is: openssl where there is one (it uses the CPU's SHA
     * instructions: 0.5 s for 512 MiB here against 1.2 s for coreutils' sha256sum), its lines turned into records
     * (names with a newline are left to sha256sum -z).
     */
    static final String SHA256_LIST = "cd \"$1\" || exit 1; d='tasks logs status jobs'; "
            + "if command -v openssl >/dev/null 2>&1; then nl=$(printf '\\nx'); nl=${nl%x}; "
            + "find $d -type f ! -name \"*$nl*\" -exec openssl dgst -sha256 -r {} + | tr '\\n' '\\000'; "
            + "find $d -type f -name \"*$nl*\" -exec sha256sum -z -- {} + ; "
            + "else find $d -type f -exec sha256sum -z -- {} + ; fi; exit 0";

    /**
     * Lists the run directory's files ("file SIZE  NAME", where find has GNU's -printf, else "file  NAME") and
     * symbolic links ("link  NAME"), NUL-terminated, after
     * starting {@link #SHA256_LIST} in the background into {@code .pvrun-sums-TOKEN} (through a temporary name
     * of this shell's own, so a listing repeated after a dropped connection cannot mix two hashings): the
     * target hashes while the files travel. Arguments: run directory, the hashing command, the token.
     */
    static final String LIST = "cd \"$1\" || exit 1; s=.pvrun-sums-$3; "
            + "( sh -c \"$2\" sh . >\"$s.tmp$$\" 2>/dev/null && mv -f \"$s.tmp$$\" \"$s\" ) </dev/null >/dev/null 2>&1 & "
            + "echo $! >\"$s.pid\"; "
            + "if find . -maxdepth 0 -printf '' >/dev/null 2>&1; then "
            + "find tasks logs status jobs \\( -type f -printf 'file %s  %p\\0' \\) -o \\( -type l -printf 'link  %p\\0' \\) ; "
            + "else find tasks logs status jobs \\( -type f -exec printf 'file  %s\\0' {} + \\) "
            + "-o \\( -type l -exec printf 'link  %s\\0' {} + \\) ; fi; exit 0";

    /** Waits for the hashes {@link #LIST} started (exit 3 if the hashing died without them), prints and removes them. */
    static final String AWAIT = "cd \"$1\" || exit 1; s=.pvrun-sums-$2; p=; read -r p <\"$s.pid\"; "
            + "while [ ! -f \"$s\" ]; do if ! kill -0 \"$p\" 2>/dev/null && [ ! -f \"$s\" ]; then exit 3; fi; "
            + "sleep 0.1 2>/dev/null || sleep 1; done; cat \"$s\"; rm -f \"$s\" \"$s\".*";

    /** Names this fetch's hash files on the target, so concurrent fetches of one run keep apart. */
    private final String token = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16);

    /**
     * The run directory's regular files on the target (hashes to come: {@link #awaitRemoteHashes}); the symbolic
     * links (never followed, never fetched) go to {@link #links}.
     */
    private List<String> listRemote() throws IOException, InterruptedException {
        ExecResult list = t.exec(List.of("sh", "-c", LIST, "sh", remoteRun, SHA256_LIST, token), Duration.ofMinutes(5));
        if (!list.ok()) {
            throw PvrunException.environment("cannot list the run directory " + remoteRun + ":\n" + list.evidence());
        }
        List<String> files = new ArrayList<>();
        parseListing(list.stdout(), files, sizes, links);
        return files;
    }

    /**
     * {@link #LIST}'s records: regular files into {@code files}, their sizes (where listed) into {@code sizes},
     * symbolic links into {@code links}.
     */
    static void parseListing(String out, List<String> files, Map<String, Long> sizes, List<String> links) {
        for (String rec : out.split("\0")) {
            java.util.regex.Matcher sized = SIZED.matcher(rec);
            if (rec.startsWith("link  ")) {
                links.add(rec.substring("link  ".length()));
            } else if (rec.startsWith("file  ")) {
                files.add(rec.substring("file  ".length()));
            } else if (sized.lookingAt()) {
                String name = rec.substring(sized.end());
                files.add(name);
                sizes.put(name, Long.parseLong(sized.group(1)));
            }
        }
    }

    private static final java.util.regex.Pattern SIZED = java.util.regex.Pattern.compile("file (\\d{1,18})  ");

    /** Path → SHA-256 of every regular file of the run directory, computed on the target. */
    private Map<String, String> awaitRemoteHashes() throws IOException, InterruptedException {
        ExecResult sums = t.exec(List.of("sh", "-c", AWAIT, "sh", remoteRun, token), Duration.ofMinutes(30));
        if (sums.exitStatus() == 3) {
            // the background hashing is gone (killed, or the session that started it): hash now instead
            sums = t.exec(List.of("sh", "-c", SHA256_LIST, "sh", remoteRun), Duration.ofMinutes(30));
        }
        if (!sums.ok()) {
            throw PvrunException.environment("cannot hash the run directory " + remoteRun + ":\n" + sums.evidence());
        }
        try {
            return RemoteFiles.parseSha256sumZ(sums.stdout());
        } catch (IllegalArgumentException e) {
            throw PvrunException.environment("cannot read the hashes of the run directory " + remoteRun
                    + " (expected sha256sum -z records, HASH  NAME): " + e.getMessage());
        }
    }

    /** The local run directory's regular files (links are not followed, so never listed); hashes come later. */
    private List<String> listLocal() throws IOException {
        List<String> out = new ArrayList<>();
        Path root = Path.of(remoteRun);
        for (String top : List.of("tasks", "logs", "status", "jobs")) {
            Path dir = root.resolve(top);
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                    if (a.isRegularFile()) {
                        out.add(root.relativize(f).toString());
                        sizes.put(root.relativize(f).toString(), a.size());
                    } else if (a.isSymbolicLink()) {
                        links.add(root.relativize(f).toString());
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        }
        return out;
    }

    private static Path move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        return Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether the driver started the task (a marker written before the script runs). */
    boolean started(Task task) {
        return started.contains(task.index());
    }

    Integer exitCode(Task task) {
        return exitCodes.get(task.index());
    }

    List<Manifest.OutputRecord> outputs(Task task) {
        return outputs.getOrDefault(task.index(), List.of());
    }

    /** What a task of a split animation rendered, as its driver recorded it (JSON), or null. */
    String frames(int index) {
        return frames.get(index);
    }

    /** Files the task wrote outside its folder, as its driver listed them (see OutsideWrites). */
    List<String> outside(Task task) {
        return outside.getOrDefault(task.index(), List.of());
    }

    /** Symbolic links the tasks left among their files: never results, so never fetched. */
    List<String> skippedLinks() {
        return skippedLinks;
    }

    List<String> nodes() {
        return nodes;
    }
}
