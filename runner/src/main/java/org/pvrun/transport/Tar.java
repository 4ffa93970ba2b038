package org.pvrun.transport;

import java.io.EOFException;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.pvrun.util.Shell;

/**
 * The tar streams that move many files in one exec channel ({@code tar -cf -} on one side, this class on the
 * other). Only what that needs: regular files and directories. The reader accepts what GNU tar, bsdtar and
 * busybox write by default (ustar, GNU long names, POSIX pax {@code path}/{@code size}) and refuses anything that
 * could write outside the destination: absolute names, {@code ..}, links, devices and fifos.
 * Format reference: POSIX pax/ustar, https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 * and GNU tar's extensions, https://www.gnu.org/software/tar/manual/html_node/Standard.html
 */
public final class Tar {
    /** Most bytes of quoted paths on one tar command line. */
    public static final int MAX_ARGS_BYTES = 100_000;

    private static final int BLOCK = 512;
    private static final long MAX_OCTAL_SIZE = 077777777777L; // 11 octal digits: 8 GiB - 1
    private static final int MAX_META = 1 << 20; // pax and long-name records; real ones are tiny

    private Tar() {}

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

    // ---------------------------------------------------------------- writing

    /**
     * Writes the given files and directories (recursively), named relative to {@code baseDir}, as a tar stream.
     * Symbolic links to files are written as the files they point to; other special files are refused.
     */
    public static void write(OutputStream out, Path baseDir, List<String> relativePaths) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (String rel : relativePaths) {
            String name = checkRelative(rel);
            Path p = name.isEmpty() ? baseDir : baseDir.resolve(name);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                List<Path> tree;
                try (Stream<Path> walk = Files.walk(p)) {
                    tree = walk.sorted().collect(Collectors.toList());
                }
                for (Path q : tree) {
                    writeEntry(out, baseDir, q, buffer);
                }
            } else {
                writeEntry(out, baseDir, p, buffer);
            }
        }
        out.write(new byte[2 * BLOCK]); // end of archive
        out.flush();
    }

    private static void writeEntry(OutputStream out, Path baseDir, Path p, byte[] buffer) throws IOException {
        String name = baseDir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        if (name.isEmpty()) {
            return; // the base directory itself
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            writeHeader(out, name + "/", '5', modeOf(p, 0755), 0, mtimeOf(p));
        } else if (Files.isRegularFile(p)) {
            long size = Files.size(p);
            writeHeader(out, name, '0', modeOf(p, 0644), size, mtimeOf(p));
            long written = 0;
            try (InputStream in = Files.newInputStream(p)) {
                int n;
                while (written < size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, size - written))) > 0) {
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
            if (written != size) {
                throw new IOException(p + " changed size while it was being sent (" + size + " -> " + written + " bytes)");
            }
            pad(out, size);
        } else {
            throw new IOException("cannot send " + p + ": not a regular file or directory");
        }
    }

    private static int modeOf(Path p, int fallback) {
        try {
            return LocalFiles.mode(Files.getPosixFilePermissions(p));
        } catch (UnsupportedOperationException | IOException e) {
            return fallback;
        }
    }

    private static long mtimeOf(Path p) throws IOException {
        return Math.max(0, Files.getLastModifiedTime(p).toMillis() / 1000);
    }

    private static void writeHeader(OutputStream out, String name, char type, int mode, long size, long mtime)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] h = new byte[BLOCK];
        boolean pax = nameBytes.length > 100 || size > MAX_OCTAL_SIZE;
        if (pax) {
            StringBuilder records = new StringBuilder();
            if (nameBytes.length > 100) {
                records.append(paxRecord("path", name));
            }
            if (size > MAX_OCTAL_SIZE) {
                records.append(paxRecord("size", Long.toString(size)));
            }
            byte[] data = records.toString().getBytes(StandardCharsets.UTF_8);
            writeHeader(out, "PaxHeader/" + shortName(name), 'x', 0644, data.length, mtime);
            out.write(data);
            pad(out, data.length);
        }
        byte[] fieldName = pax ? shortName(name).getBytes(StandardCharsets.UTF_8) : nameBytes;
        System.arraycopy(fieldName, 0, h, 0, Math.min(100, fieldName.length));
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size > MAX_OCTAL_SIZE ? 0 : size);
        octal(h, 136, 12, mtime);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        out.write(h);
    }

    /** The last 90 bytes or so of a long name, cut at a character boundary, for the legacy name field. */
    private static String shortName(String name) {
        String s = name;
        while (s.getBytes(StandardCharsets.UTF_8).length > 90) {
            s = s.substring(s.offsetByCodePoints(0, 1));
        }
        return s;
    }

    /** A pax record "LEN key=value\n", where LEN counts the whole record including its own digits. */
    private static String paxRecord(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len++;
        }
        return len + " " + key + "=" + value + "\n";
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value too large for a tar header field: " + value);
        }
        String padded = "0".repeat(len - 1 - s.length()) + s;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }

    private static void pad(OutputStream out, long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Extracts a tar stream into {@code destDir}. Every file is written under a temporary name and renamed when
     * complete; directories are created as needed. Entries must lie inside one of {@code roots} (relative paths;
     * empty means anything inside {@code destDir}).
     *
     * @return the relative names of the regular files written, in stream order
     * @throws IOException on a malformed or truncated stream, or an entry that is refused (see class comment)
     */
    public static List<String> extract(InputStream in, Path destDir, Collection<String> roots) throws IOException {
        Files.createDirectories(destDir);
        Path destReal = destDir.toRealPath();
        List<String> allowed = new ArrayList<>();
        for (String root : roots) {
            allowed.add(checkRelative(root));
        }
        List<String> written = new ArrayList<>();
        byte[] h = new byte[BLOCK];
        byte[] buffer = new byte[64 * 1024];
        String pendingName = null;
        long pendingSize = -1;
        while (true) {
            if (!readBlock(in, h)) {
                throw new EOFException("tar stream ended without its end-of-archive marker (truncated?)");
            }
            if (isZero(h)) {
                return written;
            }
            verifyChecksum(h);
            char type = (char) (h[156] & 0xff);
            long headerSize = number(h, 124, 12);
            switch (type) {
                case 'x', 'L' -> {
                    byte[] data = readMeta(in, headerSize);
                    if (type == 'L') {
                        pendingName = cString(data, 0, data.length);
                    } else {
                        for (String[] rec : paxRecords(data)) {
                            if (rec[0].equals("path")) {
                                pendingName = rec[1];
                            } else if (rec[0].equals("size")) {
                                pendingSize = parseLong(rec[1], "pax size");
                            }
                        }
                    }
                    continue;
                }
                case 'g', 'K' -> { // global pax defaults and GNU long link names: nothing we use
                    skip(in, headerSize);
                    continue;
                }
                default -> { }
            }
            String name = pendingName != null ? pendingName : headerName(h);
            long size = pendingSize >= 0 ? pendingSize : headerSize;
            pendingName = null;
            pendingSize = -1;
            String rel = checkRelative(name);
            if (!rel.isEmpty() && !inside(rel, allowed)) {
                throw new IOException("refusing tar entry " + name + ": not one of the requested paths " + allowed);
            }
            switch (type) {
                case '5' -> {
                    Path dir = destDir.resolve(rel);
                    Files.createDirectories(dir);
                    requireInside(dir, destReal, name);
                    skip(in, size);
                }
                case '0', '\0', '7' -> {
                    if (rel.isEmpty()) {
                        throw new IOException("refusing tar entry '" + name + "': a file without a name");
                    }
                    Path target = destDir.resolve(rel);
                    Path parent = target.getParent();
                    Files.createDirectories(parent);
                    requireInside(parent, destReal, name);
                    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException("cannot write " + target + ": a directory of that name exists");
                    }
                    Path tmp = parent.resolve(LocalFiles.partName(target.getFileName().toString()));
                    try {
                        try (OutputStream out = Files.newOutputStream(tmp)) {
                            copy(in, out, size, buffer, name);
                        }
                        skipPadding(in, size);
                        long mode = number(h, 100, 8);
                        if ((mode & 0100) != 0) {
                            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(tmp);
                            perms.add(PosixFilePermission.OWNER_EXECUTE);
                            Files.setPosixFilePermissions(tmp, perms);
                        }
                        Files.setLastModifiedTime(tmp, FileTime.fromMillis(number(h, 136, 12) * 1000));
                        LocalFiles.moveIntoPlace(tmp, target);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                    written.add(rel);
                }
                case '1' -> throw refused(name, "a hard link");
                case '2' -> throw refused(name, "a symbolic link");
                case '3', '4' -> throw refused(name, "a device file");
                case '6' -> throw refused(name, "a fifo");
                default -> throw refused(name, "an entry of unsupported type '" + type + "'");
            }
        }
    }

    private static IOException refused(String name, String what) {
        return new IOException("refusing tar entry " + name + ": it is " + what + "; only regular files and directories are transferred");
    }

    private static boolean inside(String rel, List<String> roots) {
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
    private static void requireInside(Path dir, Path destReal, String name) throws IOException {
        if (!dir.toRealPath().startsWith(destReal)) {
            throw new IOException("refusing tar entry " + name + ": " + dir + " leads outside " + destReal);
        }
    }

    private static String headerName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean posixUstar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r'
                && h[262] == 0;
        if (posixUstar && h[345] != 0) { // GNU's own format uses these bytes for other things
            name = cString(h, 345, 155) + "/" + name;
        }
        return name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static void verifyChecksum(byte[] h) throws IOException {
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        long stored = number(h, 148, 8);
        if (stored != unsigned && stored != signed) {
            throw new IOException("corrupt tar stream: header checksum mismatch (not a tar stream, or damaged)");
        }
    }

    /** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
    private static long number(byte[] h, int off, int len) throws IOException {
        if ((h[off] & 0x80) != 0) {
            if ((h[off] & 0x40) != 0) {
                throw new IOException("corrupt tar stream: negative number in header");
            }
            long v = h[off] & 0x3f;
            for (int i = off + 1; i < off + len; i++) {
                if ((v >>> 55) != 0) {
                    throw new IOException("corrupt tar stream: number too large in header");
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        for (; i < end && h[i] != ' ' && h[i] != 0; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw new IOException("corrupt tar stream: bad octal digit in header");
            }
            v = (v << 3) | (h[i] - '0');
        }
        return v;
    }

    private static List<String[]> paxRecords(byte[] data) throws IOException {
        List<String[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            int sp = pos;
            while (sp < data.length && data[sp] != ' ') {
                sp++;
            }
            int len = (int) parseLong(new String(data, pos, sp - pos, StandardCharsets.US_ASCII), "pax record length");
            if (len <= 0 || pos + len > data.length || data[pos + len - 1] != '\n') {
                throw new IOException("corrupt tar stream: bad pax record");
            }
            String kv = new String(data, sp + 1, pos + len - sp - 2, StandardCharsets.UTF_8);
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new IOException("corrupt tar stream: bad pax record");
            }
            out.add(new String[] {kv.substring(0, eq), kv.substring(eq + 1)});
            pos += len;
        }
        return out;
    }

    private static long parseLong(String s, String what) throws IOException {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("corrupt tar stream: bad " + what + " '" + s + "'");
        }
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads one block; false at a clean end of stream before its first byte. */
    private static boolean readBlock(InputStream in, byte[] h) throws IOException {
        int off = 0;
        while (off < BLOCK) {
            int n = in.read(h, off, BLOCK - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new EOFException("tar stream ended inside a header (truncated)");
            }
            off += n;
        }
        return true;
    }

    private static byte[] readMeta(InputStream in, long size) throws IOException {
        if (size > MAX_META) {
            throw new IOException("corrupt tar stream: extended header of " + size + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar stream ended inside an extended header (truncated)");
        }
        skipPadding(in, size);
        return data;
    }

    private static void copy(InputStream in, OutputStream out, long size, byte[] buffer, String name) throws IOException {
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("tar stream ended inside " + name + " (truncated)");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void skip(InputStream in, long size) throws IOException {
        long total = size + (size % BLOCK == 0 ? 0 : BLOCK - size % BLOCK);
        in.skipNBytes(total);
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            in.skipNBytes(BLOCK - rest);
        }
    }
}
