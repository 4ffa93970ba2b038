package org.pvrun.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Facts about rendered images that tests check: size and whether anything was drawn. */
public final class Images {
    private Images() {}

    public static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            throw new IOException("not an image: " + png);
        }
        return img;
    }

    /** Variance of the luminance over all pixels: 0 for a blank (single-colour) image. */
    public static double luminanceVariance(BufferedImage img) {
        return org.pvrun.report.ImageComparison.luminanceVariance(img);
    }

    /** How many distinct colours the image has (capped): a rendering has many, a blank one has one. */
    public static int distinctColours(BufferedImage img, int cap) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight() && seen.size() < cap; y++) {
            for (int x = 0; x < img.getWidth() && seen.size() < cap; x++) {
                seen.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return seen.size();
    }
}
