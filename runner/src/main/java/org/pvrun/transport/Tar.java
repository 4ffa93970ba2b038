package org.pvrun.transport;

import static org.pvrun.util.Streams.nonClosing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * The tar streams that move many files in one exec channel ({@code tar -cf -} on one side, this class on the
 * other), read and written by Apache Commons Compress, which reads what GNU tar, bsdtar and busybox write
 * (ustar, GNU long names, pax). What is accepted from a stream is {@link TarPolicy}'s decision.
 */
public final class Tar {
    /** One tar record: the stream is not padded to tar's default 10 KiB blocks (nothing on the other end needs it). */
    private static final int RECORD = 512;

    private Tar() {}

    /**
     * Writes the given files and directories (recursively), named relative to {@code baseDir}, as a tar stream.
     * Symbolic links to files are written as the files they point to; other special files are refused.
     */
    public static void write(OutputStream out, Path baseDir, List<String> relativePaths) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(nonClosing(out), RECORD, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (String rel : relativePaths) {
            String name = TarPolicy.checkRelative(rel);
            Path p = name.isEmpty() ? baseDir : baseDir.resolve(name);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                List<Path> tree;
                try (Stream<Path> walk = Files.walk(p)) {
                    tree = walk.sorted().collect(Collectors.toList());
                }
                for (Path q : tree) {
                    writeEntry(tar, baseDir, q);
                }
            } else {
                writeEntry(tar, baseDir, p);
            }
        }
        tar.finish();
        out.flush();
    }

    private static void writeEntry(TarArchiveOutputStream tar, Path baseDir, Path p) throws IOException {
        String name = baseDir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        if (name.isEmpty()) {
            return; // the base directory itself
        }
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (!dir && !Files.isRegularFile(p)) {
            throw new IOException("cannot send " + p + ": not a regular file or directory");
        }
        TarArchiveEntry e = new TarArchiveEntry(dir ? name + "/" : name);
        e.setUserName("");
        e.setGroupName("");
        e.setMode(modeOf(p, dir ? 0755 : 0644) & 07777); // permission bits only, as GNU tar writes them
        e.setModTime(Math.max(0, Files.getLastModifiedTime(p).toMillis() / 1000) * 1000);
        long size = dir ? 0 : Files.size(p);
        e.setSize(size);
        tar.putArchiveEntry(e);
        if (!dir) {
            long written;
            try (InputStream in = Files.newInputStream(p)) {
                written = in.transferTo(new Bounded(tar, size));
            }
            if (written != size) {
                throw new IOException(p + " changed size while it was being sent (" + size + " -> " + written + " bytes)");
            }
        }
        tar.closeArchiveEntry();
    }

    private static int modeOf(Path p, int fallback) {
        try {
            return LocalFiles.mode(Files.getPosixFilePermissions(p));
        } catch (UnsupportedOperationException | IOException e) {
            return fallback;
        }
    }

    /**
     * Extracts a tar stream into {@code destDir}, as {@link TarPolicy} allows: entries inside {@code roots}
     * (relative paths; empty means anything inside {@code destDir}), files under a temporary name until complete.
     *
     * @return the relative names of the regular files written, in stream order
     * @throws IOException on a malformed or truncated stream, or an entry that is refused
     */
    public static List<String> extract(InputStream in, Path destDir, Collection<String> roots) throws IOException {
        TarPolicy policy = TarPolicy.into(destDir, roots);
        List<String> written = new ArrayList<>();
        Reader tar = new Reader(in);
        while (true) {
            TarArchiveEntry e;
            try {
                e = tar.getNextEntry();
            } catch (EOFException x) {
                throw x;
            } catch (IOException | RuntimeException x) {
                throw new IOException("corrupt tar stream: " + x.getMessage() + " (not a tar stream, or damaged)", x);
            }
            if (e == null) {
                if (!tar.sawEnd) {
                    throw new EOFException("tar stream ended without its end-of-archive marker (truncated?)");
                }
                return written;
            }
            char type = (char) e.getLinkFlag();
            String rel = policy.admit(e.getName(), type);
            if (type == '5') {
                policy.directory(rel, e.getName());
            } else {
                policy.file(rel, e.getName(), tar, e.getSize(), e.getMode(), e.getLastModifiedTime());
                written.add(rel);
            }
        }
    }

    /** Commons Compress's reader, told to refuse huge metadata records and to say whether the end marker came. */
    private static final class Reader extends TarArchiveInputStream {
        boolean sawEnd;

        Reader(InputStream in) {
            super(in, StandardCharsets.UTF_8.name());
        }

        @Override
        protected boolean isEOFRecord(byte[] record) {
            boolean end = super.isEOFRecord(record);
            sawEnd |= end && record != null;
            return end;
        }

        /** Commons Compress parses a damaged header as it comes; a header must match its checksum here. */
        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record != null && !super.isEOFRecord(record) && !TarUtils.verifyCheckSum(record)) {
                throw new IOException("header checksum mismatch");
            }
            return record;
        }

        @Override
        protected byte[] getLongNameData() throws IOException {
            checkMeta();
            return super.getLongNameData();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            TarArchiveEntry e = getCurrentEntry();
            if (e != null && (e.isPaxHeader() || e.isGlobalPaxHeader())) {
                checkMeta();
            }
            return super.read(b, off, len);
        }

        private void checkMeta() throws IOException {
            TarArchiveEntry e = getCurrentEntry();
            if (e != null && e.getSize() > TarPolicy.MAX_META_BYTES) {
                throw new IOException("corrupt tar stream: extended header of " + e.getSize() + " bytes");
            }
        }
    }

    /** Lets at most {@code limit} bytes through to the entry (a file that grows while sent is cut, then reported). */
    private static final class Bounded extends OutputStream {
        private final OutputStream out;
        private long left;

        Bounded(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new IOException("a file grew while it was being sent");
            }
            out.write(b, off, len);
            left -= len;
        }
    }
}
