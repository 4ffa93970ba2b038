package org.pvrun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pvrun.report.TestImages.BACKGROUND;
import static org.pvrun.report.TestImages.disc;
import static org.pvrun.report.TestImages.solid;
import static org.pvrun.report.TestImages.withBlock;
import static org.pvrun.report.TestImages.withPixelOff;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pvrun.report.ImageComparison.Thresholds;

/** The comparison's verdict on synthetic images, each case beside the one that must come out the other way. */
class ImageComparisonTest {
    static final Thresholds DEFAULT = Thresholds.DEFAULT;
    static final Thresholds EXACT_POSITION = new Thresholds(10, 0.001, 0);
    static final BufferedImage DISC = disc(100, 100, 50, 50, 30);

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, run image, baseline, thresholds, passes, differing pixels, max difference
                Arguments.of("identical", DISC, TestImages.copy(DISC), DEFAULT, true, 0L, 0),
                Arguments.of("one pixel off within tolerance", withPixelOff(DISC, 10, 10, 10), DISC, DEFAULT, true, 0L, 10),
                Arguments.of("one pixel off just beyond tolerance, 0.01 % < 0.1 % allowed",
                        withPixelOff(DISC, 10, 10, 11), DISC, DEFAULT, true, 1L, 11),
                Arguments.of("one pixel beyond tolerance with nothing allowed",
                        withPixelOff(DISC, 10, 10, 11), DISC, new Thresholds(10, 0, 1), false, 1L, 11),
                Arguments.of("12 pixels beyond tolerance: 0.12 % > 0.1 %",
                        withBlock(DISC, 2, 2, 4, 3, 0xffff00ff), DISC, DEFAULT, false, 12L, 224),
                Arguments.of("10 pixels beyond tolerance: exactly 0.1 % passes",
                        withBlock(DISC, 2, 2, 5, 2, 0xffff00ff), DISC, DEFAULT, true, 10L, 224),
                Arguments.of("a 20x20 block changed",
                        withBlock(DISC, 40, 40, 20, 20, 0xff00ff00), DISC, DEFAULT, false, 400L, 224),
                Arguments.of("the same block within a generous fraction",
                        withBlock(DISC, 40, 40, 20, 20, 0xff00ff00), DISC, new Thresholds(10, 0.05, 1), true, 400L, 224),
                Arguments.of("anti-aliased disc shifted by one pixel, neighbourhood search on",
                        disc(100, 100, 51, 50, 30), DISC, DEFAULT, true, 0L, 0),
                Arguments.of("the same shift compared at exact positions",
                        disc(100, 100, 51, 50, 30), DISC, EXACT_POSITION, false, -1L, -1),
                Arguments.of("disc shifted by three pixels is beyond a one-pixel search",
                        disc(100, 100, 53, 50, 30), DISC, DEFAULT, false, -1L, -1),
                Arguments.of("a one-pixel line that vanished is found despite the search",
                        solid(100, 100, BACKGROUND), withBlock(solid(100, 100, BACKGROUND), 50, 0, 1, 100, 0xffffffff),
                        DEFAULT, false, 100L, -1),
                Arguments.of("a one-pixel line that appeared is found too",
                        withBlock(solid(100, 100, BACKGROUND), 50, 0, 1, 100, 0xffffffff), solid(100, 100, BACKGROUND),
                        DEFAULT, false, 100L, -1),
                Arguments.of("fully transparent pixels are alike whatever their colour",
                        solid(50, 50, 0x00ff0000), solid(50, 50, 0x0000ff00), new Thresholds(0, 0, 0), true, 0L, 0),
                Arguments.of("alpha counts as a channel",
                        solid(50, 50, 0x80ff0000), solid(50, 50, 0xffff0000), DEFAULT, false, 2500L, 127));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(String name, BufferedImage run, BufferedImage baseline, Thresholds t, boolean passes,
            long differing, int max) {
        ImageComparison.Difference d = ImageComparison.difference(run, baseline, t);
        assertEquals(passes, d.passes(t), name + ": " + d.differing() + " differing");
        if (differing >= 0) {
            assertEquals(differing, d.differing(), "differing pixels");
        }
        if (max >= 0) {
            assertEquals(max, d.max(), "max difference");
        }
    }

    @Test
    void failureWritesADiffImageWithTheChangedBlockInRed(@TempDir Path dir) throws IOException {
        Path run = TestImages.write(withBlock(DISC, 40, 40, 20, 20, 0xff00ff00), dir.resolve("run.png"));
        Path base = TestImages.write(DISC, dir.resolve("base.png"));
        Path diff = dir.resolve("out/0000/run.diff.png");
        ComparisonResult r = ImageComparison.compare("0000/run.png", run, base, DEFAULT, diff);
        assertFalse(r.passed());
        assertEquals(diff, r.diffImage());
        assertEquals(400L, r.differingPixels());
        assertEquals(0.04, r.differingFraction(), 1e-12);
        assertEquals(224, r.maxDifference());
        assertEquals("4.0 % of pixels differ by more than 10 (400 of 10000, max difference 224); 0.10 % allowed", r.reason());
        BufferedImage img = ImageComparison.read(diff);
        assertEquals(100, img.getWidth());
        assertEquals(ImageComparison.RED, img.getRGB(45, 45), "changed pixel not red");
        assertTrue(img.getRGB(5, 5) != ImageComparison.RED, "unchanged pixel red");
        int grey = img.getRGB(5, 5);
        assertEquals(grey & 0xff, grey >> 8 & 0xff, "unchanged pixel not grey");
        try (var s = Files.list(diff.getParent())) {
            assertEquals(1, s.count(), "temporary file left behind");
        }
    }

    @Test
    void passWritesNoDiffImage(@TempDir Path dir) throws IOException {
        Path run = TestImages.write(withPixelOff(DISC, 3, 3, 5), dir.resolve("run.png"));
        Path base = TestImages.write(DISC, dir.resolve("base.png"));
        ComparisonResult r = ImageComparison.compare("0000/run.png", run, base, DEFAULT, dir.resolve("d.png"));
        assertTrue(r.passed(), r.toString());
        assertNull(r.reason());
        assertNull(r.diffImage());
        assertFalse(Files.exists(dir.resolve("d.png")));
        assertEquals("0 of 10000 pixels differ (0 %), max difference 5", r.summary());
    }

    @Test
    void sizeMismatchFailsWithAnOverlayDiff(@TempDir Path dir) throws IOException {
        Path run = TestImages.write(disc(120, 100, 50, 50, 30), dir.resolve("run.png"));
        Path base = TestImages.write(DISC, dir.resolve("base.png"));
        Path diff = dir.resolve("d.diff.png");
        ComparisonResult r = ImageComparison.compare("0000/run.png", run, base, DEFAULT, diff);
        assertFalse(r.passed());
        assertEquals("size differs: 120x100 in the run, 100x100 in the baseline", r.reason());
        assertNull(r.differingPixels());
        BufferedImage img = ImageComparison.read(diff);
        assertEquals(120, img.getWidth());
        assertEquals(ImageComparison.RED, img.getRGB(110, 50), "area only the run covers");
        assertTrue(img.getRGB(50, 50) != ImageComparison.RED);
    }

    @Test
    void missingOrUnreadableImagesFail(@TempDir Path dir) throws IOException {
        Path good = TestImages.write(DISC, dir.resolve("good.png"));
        Path junk = Files.writeString(dir.resolve("junk.png"), "not a png");
        ComparisonResult noRun = ImageComparison.compare("0000/a.png", null, good, DEFAULT, dir.resolve("d1.png"));
        assertFalse(noRun.passed());
        assertTrue(noRun.reason().startsWith("missing from the run"), noRun.reason());
        ComparisonResult noBase = ImageComparison.compare("0000/a.png", good, dir.resolve("nope.png"), DEFAULT, null);
        assertFalse(noBase.passed());
        assertTrue(noBase.reason().startsWith("no baseline image " + dir.resolve("nope.png")), noBase.reason());
        assertNull(noBase.baseline());
        ComparisonResult unreadable = ImageComparison.compare("0000/a.png", junk, good, DEFAULT, dir.resolve("d2.png"));
        assertFalse(unreadable.passed());
        assertTrue(unreadable.reason().startsWith("cannot read image " + junk), unreadable.reason());
        assertFalse(Files.exists(dir.resolve("d1.png")));
        assertFalse(Files.exists(dir.resolve("d2.png")));
    }

    @Test
    void tiffAndBmpAreReadAndCompareWithPng(@TempDir Path dir) throws IOException {
        Path png = TestImages.write(DISC, dir.resolve("a.png"));
        for (String ext : new String[] {"tif", "bmp"}) {
            Path other = TestImages.write(DISC, dir.resolve("a." + ext));
            ComparisonResult r = ImageComparison.compare("0000/a." + ext, other, png, new Thresholds(0, 0, 0), null);
            assertTrue(r.passed(), ext + ": " + r);
        }
    }

    @Test
    void jpegIsReadAndItsLossIsWithinTolerance(@TempDir Path dir) throws IOException {
        Path png = TestImages.write(DISC, dir.resolve("a.png"));
        Path jpg = TestImages.write(DISC, dir.resolve("a.jpg"));
        ComparisonResult exact = ImageComparison.compare("a", jpg, png, new Thresholds(0, 0, 0), null);
        assertFalse(exact.passed(), "JPEG is lossy: exact comparison should see it");
        ComparisonResult loose = ImageComparison.compare("a", jpg, png, new Thresholds(40, 0.01, 1), null);
        assertTrue(loose.passed(), loose.toString());
    }

    @Test
    void thresholdsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(256, 0.001, 1));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(10, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(10, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(10, 0.001, 3));
    }

    @Test
    void percentagesKeepSmallSharesApart() {
        assertEquals("0 %", ComparisonResult.percent(0));
        assertEquals("0.0010 %", ComparisonResult.percent(0.00001));
        assertEquals("0.10 %", ComparisonResult.percent(0.001));
        assertEquals("4.0 %", ComparisonResult.percent(0.04));
        assertEquals("35.0 %", ComparisonResult.percent(0.35));
    }

    @Test
    void aFullHdImageComparesQuickly() {
        BufferedImage a = disc(1920, 1080, 960, 540, 400);
        BufferedImage b = disc(1920, 1080, 961, 540, 400);
        long start = System.nanoTime();
        ImageComparison.Difference d = ImageComparison.difference(a, b, DEFAULT);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, d.differing());
        assertTrue(ms < 2000, "took " + ms + " ms");
    }
}
