package org.pvrun.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.pvrun.util.Shell;

/**
 * What pvrun accepts from a tar stream, whoever wrote it (a remote {@code tar -cf -} may be GNU tar, bsdtar or
 * busybox, or a compromised host): relative names without {@code ..}, inside the requested paths, only
 * regular files and directories (no links, devices or fifos), metadata records of at most
 * {@link #MAX_META_BYTES}, and never a write through a symbolic link that leads out of the destination. Files
 * are written under a temporary name and renamed when complete, so a cut stream leaves no partial file
 * under its real name. No tar format here: {@link Tar} reads and writes the streams; this class is loaded
 * by every transfer, {@code Tar} (and Commons Compress) only by tree transfers.
 */
public final class TarPolicy {
    /** Most bytes of quoted paths on one tar command line. */
    public static final int MAX_ARGS_BYTES = 100_000;
    /** Pax and GNU long-name records: real ones are tiny; a huge one would only fill memory. */
    static final long MAX_META_BYTES = 1 << 20;

    private final Path destDir;
    private final Path destReal;
    private final List<String> roots = new ArrayList<>();

    private TarPolicy(Path destDir, Collection<String> roots) throws IOException {
        Files.createDirectories(destDir);
        this.destDir = destDir;
        this.destReal = destDir.toRealPath();
        for (String root : roots) {
            this.roots.add(checkRelative(root));
        }
    }

    /** A policy for extracting into {@code destDir}, entries inside {@code roots} (relative; empty: anything). */
    static TarPolicy into(Path destDir, Collection<String> roots) throws IOException {
        return new TarPolicy(destDir, roots);
    }

    /**
     * Splits relative paths into argument lists for {@code tar -C DIR -- PATHS...} commands, each under
     * {@link #MAX_ARGS_BYTES} once shell-quoted (a remote command line has a length limit); each path is
     * checked with {@link #checkRelative} and "" becomes ".".
     */
    public static List<List<String>> argumentBatches(List<String> relativePaths) throws IOException {
        List<List<String>> batches = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        int bytes = 0;
        for (String p : relativePaths) {
            String rel = checkRelative(p);
            String arg = rel.isEmpty() ? "." : rel;
            int size = Shell.quote(arg).getBytes(StandardCharsets.UTF_8).length + 1;
            if (!batch.isEmpty() && bytes + size > MAX_ARGS_BYTES) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(arg);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /**
     * Checks a relative path in POSIX form and normalises it ({@code ./} and repeated or trailing slashes
     * dropped). The empty string stands for the base directory itself.
     *
     * @throws IOException if the path is absolute, contains {@code ..} or a NUL
     */
    public static String checkRelative(String path) throws IOException {
        if (path == null || path.indexOf('\0') >= 0) {
            throw new IOException("invalid relative path: " + path);
        }
        if (path.startsWith("/")) {
            throw new IOException("refusing absolute path " + path + ": only paths relative to the directory are allowed");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new IOException("refusing path " + path + ": it contains '..'");
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    /**
     * Checks an entry's name and type (the tar type flag, see
     * https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06) and returns its
     * normalised relative name.
     */
    String admit(String name, char type) throws IOException {
        switch (type) {
            case '0', '\0', '7', '5' -> { }
            case '1' -> throw refused(name, "a hard link");
            case '2' -> throw refused(name, "a symbolic link");
            case '3', '4' -> throw refused(name, "a device file");
            case '6' -> throw refused(name, "a fifo");
            default -> throw refused(name, "an entry of unsupported type '" + type + "'");
        }
        String rel = checkRelative(name);
        if (!rel.isEmpty() && !inside(rel)) {
            throw new IOException("refusing tar entry " + name + ": not one of the requested paths " + roots);
        }
        if (rel.isEmpty() && type != '5') {
            throw new IOException("refusing tar entry '" + name + "': a file without a name");
        }
        return rel;
    }

    /** Creates the directory {@code rel} (admitted) inside the destination. */
    void directory(String rel, String name) throws IOException {
        Path dir = destDir.resolve(rel);
        Files.createDirectories(dir);
        requireInside(dir, name);
    }

    /**
     * Writes the regular file {@code rel} (admitted) from {@code in}, exactly {@code size} bytes, under a
     * temporary name renamed when complete; executable for its owner when {@code mode} says so.
     */
    void file(String rel, String name, InputStream in, long size, int mode, FileTime mtime) throws IOException {
        Path target = destDir.resolve(rel);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        requireInside(parent, name);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot write " + target + ": a directory of that name exists");
        }
        Path tmp = parent.resolve(LocalFiles.partName(target.getFileName().toString()));
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                long copied = in.transferTo(out);
                if (copied != size) {
                    throw new IOException("tar stream ended inside " + name + " (truncated): " + copied + " of " + size
                            + " bytes");
                }
            }
            if ((mode & 0100) != 0) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(tmp);
                perms.add(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(tmp, perms);
            }
            Files.setLastModifiedTime(tmp, mtime);
            LocalFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static IOException refused(String name, String what) {
        return new IOException("refusing tar entry " + name + ": it is " + what
                + "; only regular files and directories are transferred");
    }

    private boolean inside(String rel) {
        if (roots.isEmpty()) {
            return true;
        }
        for (String root : roots) {
            if (root.isEmpty() || rel.equals(root) || rel.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }

    /** Guards against a directory inside the destination being a symbolic link to somewhere else. */
    private void requireInside(Path dir, String name) throws IOException {
        if (!dir.toRealPath().startsWith(destReal)) {
            throw new IOException("refusing tar entry " + name + ": " + dir + " leads outside " + destReal);
        }
    }
}
