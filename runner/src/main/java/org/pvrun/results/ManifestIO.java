package org.pvrun.results;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Reads and writes manifests; writing is atomic (temporary file, fsync, rename). */
public final class ManifestIO {
    public static final String FILE = "manifest.json";
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestIO() {}

    public static void write(Path runDir, Manifest m) throws IOException {
        writeJsonAtomically(runDir.resolve(FILE), m);
    }

    /**
     * {@code value} as JSON, streamed into the file as it is serialised (atomically, as {@link #writeAtomically}):
     * a 100,000-task manifest is about 50 MB, which as bytes first was held twice (the buffer and its copy).
     */
    public static void writeJsonAtomically(Path file, Object value) throws IOException {
        writeAtomically(file, out -> JSON.writeValue(out, value));
    }

    /** What writes a file's content into the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static Manifest read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Manifest.class);
    }

    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        writeAtomically(file, out -> out.write(bytes));
    }

    public static void writeAtomically(Path file, Content content) throws IOException {
        // a fresh name created exclusively, so the file gets the user's umask (createTempFile would force 0600)
        Path tmp = temporaryFor(file);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() {
                        // Jackson closes the stream it wrote; the channel is forced first, then closed here
                    }
                });
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The hidden name a file is written under before it is renamed into place, beside it:
     * {@code .NAME.PID.NANOS.tmp} (this process's id, so that {@link #removeStaleTemporaries} knows a killed writer's
     * file from a live one's). Every atomic write of pvrun's own files uses it.
     */
    public static Path temporaryFor(Path file) {
        return file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
    }

    /** {@link #temporaryFor}'s names; group 1 is the writer's process id. */
    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile("\\..+\\.(\\d{1,10})\\.[0-9a-f]+\\.tmp");

    /**
     * Removes from {@code dir} (not below it) the temporary files ({@link #temporaryFor}) whose writer is no longer
     * alive: a pvrun killed while it wrote {@code run.json} or the manifest leaves one, which no later run would
     * otherwise remove (found by the chaos soak run, docs/reliability.md). A live writer's file is left alone.
     *
     * @return how many were removed
     */
    public static int removeStaleTemporaries(Path dir) throws IOException {
        int removed = 0;
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : entries) {
                java.util.regex.Matcher m = TEMPORARY.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !alive(Long.parseLong(m.group(1)))) {
                    removed += Files.deleteIfExists(f) ? 1 : 0;
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
        return removed;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
