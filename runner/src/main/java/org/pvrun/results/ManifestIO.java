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
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
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
}
