package org.pvrun.run;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;
import org.pvrun.util.LogTail;
import org.pvrun.util.Sizes;

/**
 * Room where pvrun is about to write: the target's work directory before staging, the results folder before
 * fetching. Both are checked before the first byte, so a disk that is too small ends the step with nothing
 * half-written (docs/reliability.md#disks-that-fill).
 */
final class DiskSpace {
    /** strerror(ENOSPC), as tar, sftp-server, Python and the shell print it. */
    static final String NO_SPACE = "No space left on device";
    /** What a file takes on ext4, XFS and tmpfs at least: its size rounded up to whole blocks of this. */
    static final long REMOTE_BLOCK = 4096;

    /**
     * Free space of the file system holding {@code dir} (or its nearest existing parent), for an unprivileged
     * user, in bytes, as POSIX {@code df -P} reports it in 1024-byte units. Argument: the directory.
     */
    static final String DF = "d=$1; while [ ! -d \"$d\" ] && [ \"$d\" != / ]; do d=$(dirname \"$d\"); done; "
            + "df -Pk \"$d\"";

    private DiskSpace() {}

    /** What files of these sizes take on a file system with {@code block}-byte blocks. */
    static long onDisk(Collection<Long> sizes, long block) {
        long total = 0;
        for (long n : sizes) {
            total += (n + block - 1) / block * block;
        }
        return total;
    }

    /** Bytes an unprivileged user may still write under {@code dir} here (its nearest existing parent's file system). */
    static long freeHere(Path dir) throws IOException {
        return store(dir).getUsableSpace();
    }

    /** The block size of the file system holding {@code dir}; 4096 when Java cannot tell. */
    static long blockHere(Path dir) throws IOException {
        try {
            long b = store(dir).getBlockSize();
            return b > 0 ? b : REMOTE_BLOCK;
        } catch (UnsupportedOperationException e) {
            return REMOTE_BLOCK;
        }
    }

    private static FileStore store(Path dir) throws IOException {
        Path d = dir.toAbsolutePath();
        while (d.getParent() != null && !Files.isDirectory(d)) {
            d = d.getParent();
        }
        return Files.getFileStore(d);
    }

    /** Free bytes under {@code dir} on the target, or null when its {@code df} gives no answer pvrun can read. */
    static Long freeOnTarget(Transport t, String dir) throws IOException, InterruptedException {
        ExecResult r = t.exec(List.of("sh", "-c", DF, "sh", dir), Engine.COMMAND_TIMEOUT);
        return r.ok() ? parseDf(r.stdout()) : null;
    }

    /**
     * The "Available" column of {@code df -Pk}'s one file system line (the 4th field, in KiB) in bytes; null
     * when the output is not that. With -P a long device name never wraps the line.
     */
    static Long parseDf(String out) {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        if (lines.size() != 2 || !lines.get(0).startsWith("Filesystem")) {
            return null;
        }
        String[] f = lines.get(1).trim().split("\\s+");
        if (f.length < 6 || !f[3].matches("\\d{1,15}")) {
            return null;
        }
        return Long.parseLong(f[3]) * 1024;
    }

    /** Whether a command's or an exception's text says the disk is full. */
    static boolean full(String text) {
        return text != null && text.contains(NO_SPACE);
    }

    /**
     * Whether a task's log says its disk filled (what the script, ParaView or a tool it ran printed, such as
     * {@code OSError: [Errno 28] No space left on device}), in its last attempt; pvrun's own lines do not count.
     */
    static boolean filledIn(Path log) {
        String tail = LogTail.of(log, 400);
        boolean found = false;
        for (String line : tail == null ? List.<String>of() : tail.lines().toList()) {
            if (line.startsWith("---- pvrun: attempt ")) {
                found = false;
            } else if (full(line) && !line.startsWith("pvrun: ")) {
                found = true;
            }
        }
        return found;
    }

    /** The first {@code max} lines of a message, indented under the one that explains it. */
    static String evidence(String text, int max) {
        List<String> lines = text.strip().lines().toList();
        String shown = String.join("\n  ", lines.subList(0, Math.min(max, lines.size())));
        return "  " + shown + (lines.size() > max ? "\n  (" + (lines.size() - max) + " more lines)" : "");
    }

    /** "3 files need 30.0 MB and /x has 20.0 MB free", in the user's words. */
    static String shortfall(int files, long needed, String where, long free) {
        return files + (files == 1 ? " file needs " : " files need ") + Sizes.human(needed) + " and " + where + " has "
                + Sizes.human(free) + " free";
    }
}
