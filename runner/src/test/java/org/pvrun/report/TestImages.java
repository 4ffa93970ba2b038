package org.pvrun.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Synthetic images for comparison tests: solid colours, an anti-aliased disc, edits of a copy. */
public final class TestImages {
    public static final int BACKGROUND = 0xff1f2129;
    public static final int FOREGROUND = 0xffe0c040;

    private TestImages() {}

    public static BufferedImage solid(int w, int h, int argb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    /** A disc with an anti-aliased edge (coverage-weighted blend), as a renderer would draw it. */
    public static BufferedImage disc(int w, int h, double cx, double cy, double r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
                double a = Math.max(0, Math.min(1, r - d + 0.5));
                img.setRGB(x, y, blend(FOREGROUND, BACKGROUND, a));
            }
        }
        return img;
    }

    static int blend(int fg, int bg, double a) {
        int out = 0xff000000;
        for (int shift = 0; shift <= 16; shift += 8) {
            int c = (int) Math.round((fg >> shift & 0xff) * a + (bg >> shift & 0xff) * (1 - a));
            out |= c << shift;
        }
        return out;
    }

    public static BufferedImage copy(BufferedImage src) {
        BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        img.getGraphics().drawImage(src, 0, 0, null);
        return img;
    }

    /** A copy with the rectangle [x, x+w) × [y, y+h) set to {@code argb}. */
    public static BufferedImage withBlock(BufferedImage src, int x0, int y0, int w, int h, int argb) {
        BufferedImage img = copy(src);
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    /** A copy with one pixel's red channel moved by {@code delta}. */
    public static BufferedImage withPixelOff(BufferedImage src, int x, int y, int delta) {
        BufferedImage img = copy(src);
        int p = img.getRGB(x, y);
        int r = Math.max(0, Math.min(255, (p >> 16 & 0xff) + delta));
        img.setRGB(x, y, p & 0xff00ffff | r << 16);
        return img;
    }

    public static Path write(BufferedImage img, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1);
        BufferedImage out = img;
        if (format.equals("jpg") || format.equals("bmp")) { // no alpha in these formats
            out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
            out.getGraphics().drawImage(img, 0, 0, null);
        }
        if (!ImageIO.write(out, format.equals("jpg") ? "jpeg" : format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
        return file;
    }
}
