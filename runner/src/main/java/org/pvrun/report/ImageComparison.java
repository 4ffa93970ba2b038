package org.pvrun.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.pvrun.results.ManifestIO;

/**
 * Compares a rendered image with its baseline, in the spirit of VTK's regression image test
 * (vtkTesting::RegressionTest → vtkImageDifference, which ParaView's image tests use): a per-pixel tolerance
 * absorbs colour noise, a neighbourhood search absorbs the one-pixel shifts that anti-aliasing and rasteriser
 * differences cause, and the test fails when more than a given share of pixels still differ. Unlike
 * vtkImageDifference, which sums thresholded errors into one number whose scale depends on the image
 * size, the verdict here is a count of pixels, so the threshold means the same for every image size.
 *
 * <p>The difference of two pixels is the largest of their A, R, G, B differences (0..255); two fully
 * transparent pixels are equal whatever their colour. With {@code shift = s}, a pixel's difference is the
 * smaller of: its difference to the closest-matching pixel of the other image within s pixels, searched
 * both ways (run pixel in the baseline's neighbourhood, and baseline pixel in the run's). Searching both
 * ways keeps thin features: a one-pixel line that vanished still differs, because the baseline's line pixel
 * has no match near it in the run. See docs/regression.md.
 */
public final class ImageComparison {

    /**
     * When two images count as the same.
     *
     * @param tolerance   largest per-pixel channel difference (0..255) still counted as the same pixel
     * @param maxFraction share of pixels (0..1) allowed to differ by more than the tolerance
     * @param shift       neighbourhood radius in pixels searched for a match (0 = exact position only)
     */
    public record Thresholds(int tolerance, double maxFraction, int shift) {
        /** 10 of 255 per channel, 0.1 % of the pixels, a one-pixel neighbourhood (docs/regression.md). */
        public static final Thresholds DEFAULT = new Thresholds(10, 0.001, 1);
        /** The search is (2s+1)² comparisons per differing pixel; beyond 2 it stops being a regression test. */
        public static final int MAX_SHIFT = 2;

        public Thresholds {
            if (tolerance < 0 || tolerance > 255) {
                throw new IllegalArgumentException("tolerance must be 0..255, not " + tolerance);
            }
            if (!(maxFraction >= 0 && maxFraction <= 1)) {
                throw new IllegalArgumentException("max fraction must be 0..1 (0.001 = 0.1 %), not " + maxFraction);
            }
            if (shift < 0 || shift > MAX_SHIFT) {
                throw new IllegalArgumentException("shift must be 0.." + MAX_SHIFT + " pixels, not " + shift);
            }
        }

        @Override
        public String toString() {
            return "tolerance " + tolerance + ", max fraction " + ComparisonResult.percent(maxFraction) + ", shift " + shift;
        }
    }

    /**
     * The per-pixel outcome of comparing two images of the same size.
     *
     * @param pixels    each pixel's difference (0..255) after the shift search, row by row
     * @param differing pixels whose difference exceeds the tolerance
     * @param max       the largest value in {@code pixels}
     */
    public record Difference(int width, int height, int[] pixels, long differing, int max) {
        public double fraction() {
            return (double) differing / ((long) width * height);
        }

        /** The verdict: no more than the allowed share of pixels differ beyond the tolerance. */
        public boolean passes(Thresholds t) {
            return fraction() <= t.maxFraction();
        }
    }

    private ImageComparison() {}

    /**
     * Compares the run's {@code image} with {@code baseline} (either may be null: missing); on failure writes
     * a difference image to {@code diffImage} when one can be drawn. Never throws for bad images: an
     * unreadable image is a failed comparison.
     */
    public static ComparisonResult compare(String name, Path image, Path baseline, Thresholds t, Path diffImage)
            throws IOException {
        if (image == null || !Files.isRegularFile(image)) {
            return ComparisonResult.failed(name, "missing from the run (the baseline has "
                    + baseline + ")", null, baseline);
        }
        if (baseline == null || !Files.isRegularFile(baseline)) {
            return ComparisonResult.failed(name, "no baseline image" + (baseline != null ? " " + baseline : "")
                    + " (promote one with 'pvrun baseline RUN DIR')", image, null);
        }
        BufferedImage a;
        BufferedImage b;
        try {
            a = read(image);
            b = read(baseline);
        } catch (IOException e) {
            return ComparisonResult.failed(name, e.getMessage(), image, baseline);
        }
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            writePng(sizeMismatchImage(a, b), diffImage);
            return new ComparisonResult(name, ComparisonResult.Status.FAILED,
                    "size differs: " + a.getWidth() + "x" + a.getHeight() + " in the run, " + b.getWidth() + "x"
                            + b.getHeight() + " in the baseline",
                    image, baseline, null, null, null, null, null, diffImage);
        }
        Difference d = difference(a, b, t);
        boolean passed = d.passes(t);
        String reason = null;
        if (!passed) {
            writePng(diffImage(a, d, t.tolerance()), diffImage);
            reason = ComparisonResult.percent(d.fraction()) + " of pixels differ by more than " + t.tolerance() + " ("
                    + d.differing() + " of " + (long) d.width() * d.height() + ", max difference " + d.max() + "); "
                    + ComparisonResult.percent(t.maxFraction()) + " allowed";
        }
        return new ComparisonResult(name, passed ? ComparisonResult.Status.PASSED : ComparisonResult.Status.FAILED,
                reason, image, baseline, d.width(), d.height(), d.differing(), d.fraction(), d.max(),
                passed ? null : diffImage);
    }

    /** Reads an image with ImageIO (PNG, JPEG, TIFF, BMP, GIF); an IOException with a message for users otherwise. */
    public static BufferedImage read(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("cannot read image " + file + ": not a format Java can read (PNG, JPEG, TIFF, BMP)");
        }
        return img;
    }

    /** Compares two images of the same size pixel by pixel; pure. */
    public static Difference difference(BufferedImage image, BufferedImage baseline, Thresholds t) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (baseline.getWidth() != w || baseline.getHeight() != h) {
            throw new IllegalArgumentException("sizes differ");
        }
        return difference(argb(image), argb(baseline), w, h, t);
    }

    /** The same on ARGB arrays (row by row, {@code w * h} long). */
    public static Difference difference(int[] a, int[] b, int w, int h, Thresholds t) {
        int[] out = new int[w * h];
        long differing = 0;
        int max = 0;
        int s = t.shift();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int d = pixelDifference(a[i], b[i]);
                if (d > 0 && s > 0) {
                    // both ways: a's pixel among b's neighbours, and b's pixel among a's
                    d = Math.max(nearest(a[i], b, x, y, w, h, s), nearest(b[i], a, x, y, w, h, s));
                }
                out[i] = d;
                if (d > t.tolerance()) {
                    differing++;
                }
                max = Math.max(max, d);
            }
        }
        return new Difference(w, h, out, differing, max);
    }

    /** The smallest difference between {@code px} and the pixels of {@code img} within s of (x, y). */
    private static int nearest(int px, int[] img, int x, int y, int w, int h, int s) {
        int best = Integer.MAX_VALUE;
        for (int yy = Math.max(0, y - s); yy <= Math.min(h - 1, y + s); yy++) {
            for (int xx = Math.max(0, x - s); xx <= Math.min(w - 1, x + s); xx++) {
                best = Math.min(best, pixelDifference(px, img[yy * w + xx]));
                if (best == 0) {
                    return 0;
                }
            }
        }
        return best;
    }

    /** The largest channel difference of two ARGB pixels; fully transparent pixels are all alike. */
    static int pixelDifference(int p, int q) {
        if (p == q || ((p | q) >>> 24) == 0) {
            return 0;
        }
        int d = Math.abs((p >>> 24) - (q >>> 24));
        d = Math.max(d, Math.abs((p >> 16 & 0xff) - (q >> 16 & 0xff)));
        d = Math.max(d, Math.abs((p >> 8 & 0xff) - (q >> 8 & 0xff)));
        return Math.max(d, Math.abs((p & 0xff) - (q & 0xff)));
    }

    static int[] argb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    static final int RED = 0xffff2020;
    static final int AMBER = 0xff5a4610;

    /**
     * The difference image: pixels beyond the tolerance in red, pixels that differ within it in dark amber,
     * the rest the run's image in dimmed grey, so the red stands out and the picture stays recognisable.
     */
    public static BufferedImage diffImage(BufferedImage image, Difference d, int tolerance) {
        int[] src = argb(image);
        int[] out = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            int v = d.pixels()[i];
            out[i] = v > tolerance ? RED : v > 0 ? AMBER : dimmed(src[i]);
        }
        BufferedImage img = new BufferedImage(d.width(), d.height(), BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, d.width(), d.height(), out, 0, d.width());
        return img;
    }

    /** For images of different sizes: both overlaid, the area only one of them covers in red. */
    static BufferedImage sizeMismatchImage(BufferedImage a, BufferedImage b) {
        int w = Math.max(a.getWidth(), b.getWidth());
        int h = Math.max(a.getHeight(), b.getHeight());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean inA = x < a.getWidth() && y < a.getHeight();
                boolean inB = x < b.getWidth() && y < b.getHeight();
                img.setRGB(x, y, inA && inB ? dimmed(a.getRGB(x, y)) : RED);
            }
        }
        return img;
    }

    private static int dimmed(int argb) {
        int lum = (299 * (argb >> 16 & 0xff) + 587 * (argb >> 8 & 0xff) + 114 * (argb & 0xff)) / 1000;
        int g = 24 + lum * 3 / 10;
        return 0xff000000 | g << 16 | g << 8 | g;
    }

    /** Writes a PNG under its final name only once complete (temporary file, rename). */
    static void writePng(BufferedImage img, Path file) throws IOException {
        if (file == null) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException("no PNG writer in this Java");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ManifestIO.writeAtomically(file, bytes.toByteArray());
    }

    /** Variance of the luminance over all pixels: 0 for a blank (single-colour) image. */
    public static double luminanceVariance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        long n = (long) img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                double l = 0.299 * ((p >> 16) & 255) + 0.587 * ((p >> 8) & 255) + 0.114 * (p & 255);
                sum += l;
                sq += l * l;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }
}
