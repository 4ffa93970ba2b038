package org.pvrun.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Streams;

/**
 * {@code RUN/report.html}: one self-contained page to look at a run without a terminal (docs/report.md). A
 * gallery with one card per task (its images as thumbnails that enlarge on click, its params, status, exit
 * code, attempts, reuse and the end of its log), the baseline and difference images beside the run's image
 * where {@code RUN/compare/results.json} exists, and the provenance: every field of the manifest.
 *
 * <p>The page is {@code org/pvrun/report/report.html.mustache} and its partials; {@link HtmlView} builds the
 * data it shows and no HTML. Every value the template inserts passes through {@link #escape}, the factory's
 * only encoding; the style and the script ({@code report.css}, {@code report.js}) are the only unescaped
 * inserts, and nothing from the run goes into them.
 *
 * <p>Images are embedded as {@code data:} URIs so the file can be mailed or archived on its own, streamed
 * from their files into the page ({@link HtmlImages}); past {@link #EMBED_LIMIT_BYTES} of images in total
 * the page links them by relative path instead and says so. Nothing is fetched from the network.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";
    /** Above this many bytes of images in total, images are linked by relative path instead of embedded. */
    public static final long EMBED_LIMIT_BYTES = 50L * 1024 * 1024;
    private static final String DIR = "org/pvrun/report";
    private static final DefaultMustacheFactory FACTORY = new DefaultMustacheFactory(DIR) {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(escape(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private HtmlReport() {}

    /** Writes {@code RUN/report.html} atomically (temporary file, rename) and returns its path. */
    public static Path write(Path runDir, Manifest m) throws IOException {
        return write(runDir, m, EMBED_LIMIT_BYTES);
    }

    /** As {@link #write(Path, Manifest)}, embedding images only while they total at most {@code embedLimit} bytes. */
    static Path write(Path runDir, Manifest m, long embedLimit) throws IOException {
        Path dir = runDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE);
        Path tmp = ManifestIO.temporaryFor(file);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                Writer w = new OutputStreamWriter(Streams.nonClosing(raw), StandardCharsets.UTF_8);
                HtmlImages images = new HtmlImages(dir, embedLimit, w, raw);
                Mustache page = FACTORY.compile("report.html.mustache");
                try {
                    page.execute(w, new HtmlView(dir, m, images).page(resource("report.css"), resource("report.js")));
                } catch (MustacheException e) {
                    for (Throwable c = e; c != null; c = c.getCause()) {
                        if (c instanceof UncheckedIOException u) {
                            throw u.getCause(); // an image that could not be read while it was embedded
                        }
                    }
                    throw e;
                }
                w.flush();
                raw.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /** The report's style sheet, for the live page of a running animation (run/LiveSheet). */
    public static String css() throws IOException {
        return resource("report.css");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(DIR + "/" + name)) {
            if (in == null) {
                throw new IOException("pvrun's jar lacks " + DIR + "/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Escapes text for HTML element content and attribute values (quoted with either quote). Characters HTML
     * forbids in a document (C0 controls other than tab, newline and return; lone surrogates) become U+FFFD.
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\t', '\n' -> b.append(c);
                case '\r' -> { }
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A relative path as a URL path: each character a URL would misread is percent-encoded; starts with ./ */
    static String url(String rel) {
        try {
            return "./" + new URI(null, null, rel.replace('\\', '/'), null).getRawPath();
        } catch (URISyntaxException e) {
            return "./" + rel.replaceAll("[^A-Za-z0-9._/-]", "_");
        }
    }
}
