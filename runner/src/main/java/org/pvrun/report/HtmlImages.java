package org.pvrun.report;

import static org.pvrun.util.Streams.nonClosing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.pvrun.util.Sizes;

/**
 * The images one page shows: each file once, with its size and pixel dimensions, embedded as a {@code data:}
 * URI or linked by relative path. An embedded image is streamed from its file as base64 straight into the
 * page's stream when the template reaches it (a page may hold 50 MB of images; none of it is held in memory).
 */
final class HtmlImages {
    /** What a browser shows: the gallery's images. Other outputs are listed as links. */
    static final Map<String, String> WEB_IMAGES = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

    /** An image the page shows: its file, size in bytes and pixel dimensions (null when unknown). */
    record Shown(Path file, String mime, long bytes, int[] pixels) {}

    private final Path runDir;
    private final long embedLimit;
    private final Writer writer;
    private final OutputStream raw;
    private final Map<Path, Shown> images = new LinkedHashMap<>();
    private long totalBytes;
    private Boolean embed;
    /** How many {@code <img class="shot">} the page has; the browser check compares its count with it. */
    private int elements;

    /** {@code writer} is what the template writes to, {@code raw} the stream beneath it. */
    HtmlImages(Path runDir, long embedLimit, Writer writer, OutputStream raw) {
        this.runDir = runDir;
        this.embedLimit = embedLimit;
        this.writer = writer;
        this.raw = raw;
    }

    /** Registers a file the page may show as an image; null when it is not one the browser can show. */
    Shown shown(Path file) {
        if (file == null) {
            return null;
        }
        Path f = file.toAbsolutePath().normalize();
        Shown s = images.get(f);
        if (s != null) {
            return s;
        }
        String mime = WEB_IMAGES.get(HtmlView.extension(f.getFileName().toString()));
        if (mime == null || !Files.isRegularFile(f)) {
            return null;
        }
        try {
            s = new Shown(f, mime, Files.size(f), dimensions(f));
        } catch (IOException e) {
            return null;
        }
        if (embed != null) {
            throw new IllegalStateException("an image registered after the embedding was decided: " + f);
        }
        images.put(f, s);
        totalBytes += s.bytes();
        return s;
    }

    /** Decides, once every image is registered, whether they are embedded. */
    boolean embed() {
        if (embed == null) {
            embed = totalBytes <= embedLimit;
        }
        return embed;
    }

    int count() {
        return images.size();
    }

    long totalBytes() {
        return totalBytes;
    }

    long embedLimit() {
        return embedLimit;
    }

    int elements() {
        return elements;
    }

    /** One {@code _figure} view: the image, or a placeholder saying why there is none. */
    Map<String, Object> figure(Shown s, String name, Path expected, String role) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("role", role);
        if (s == null) {
            f.put("missing", expected == null ? "none" : Files.isRegularFile(expected) ? "not shown" : "missing");
            f.put("shown", false);
            return f;
        }
        boolean plain = "image".equals(role);
        elements++;
        f.put("missing", null);
        f.put("shown", true);
        f.put("alt", plain ? name : name + " (" + role + ")");
        f.put("dataName", plain ? name : name + " · " + role);
        f.put("pixels", s.pixels() == null ? null : Map.of("width", s.pixels()[0], "height", s.pixels()[1]));
        f.put("embed", embed());
        f.put("mime", s.mime());
        f.put("data", (Function<Object, Object>) x -> stream(s.file()));
        f.put("url", HtmlReport.url(runDir.relativize(s.file()).toString().replace('\\', '/')));
        f.put("caption", plain ? name : role);
        f.put("bytes", Sizes.human(s.bytes()));
        return f;
    }

    /** Writes the file as base64 where the template stands; what the template inserts for it is nothing. */
    private Object stream(Path file) {
        try {
            writer.flush();
            try (OutputStream b64 = Base64.getEncoder().wrap(nonClosing(raw)); InputStream in = Files.newInputStream(file)) {
                in.transferTo(b64);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Width and height from the image's header, without decoding it; null when Java cannot read it. */
    static int[] dimensions(Path f) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
