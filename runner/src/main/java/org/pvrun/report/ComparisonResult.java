package org.pvrun.report;

import java.nio.file.Path;

/**
 * How one image of a run compared with its baseline (docs/regression.md). The pixel numbers are null when
 * no pixel comparison happened (an image missing, unreadable or of another size).
 *
 * @param name              the image's name in the baseline layout: {@code NNNN/<path within the task>}
 * @param status            passed or failed
 * @param reason            why it failed, in words; null when it passed
 * @param image             the run's image; null when the run has none of that name
 * @param baseline          the baseline image; null when the baseline has none of that name
 * @param width             image width, when both images were read
 * @param height            image height, when both images were read
 * @param differingPixels   pixels whose difference exceeds the tolerance
 * @param differingFraction differingPixels / (width × height)
 * @param maxDifference     largest per-pixel difference (0..255) after the shift search
 * @param diffImage         the difference image written for a failure, if one could be drawn
 */
public record ComparisonResult(
        String name,
        Status status,
        String reason,
        Path image,
        Path baseline,
        Integer width,
        Integer height,
        Long differingPixels,
        Double differingFraction,
        Integer maxDifference,
        Path diffImage) {

    public enum Status {
        PASSED, FAILED;

        /** The lower-case word used in JSON and JUnit output. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    static ComparisonResult failed(String name, String reason, Path image, Path baseline) {
        return new ComparisonResult(name, Status.FAILED, reason, image, baseline, null, null, null, null, null, null);
    }

    /** One line for people: the numbers for a pixel comparison, else the reason. */
    public String summary() {
        if (differingPixels == null) {
            return reason;
        }
        String numbers = differingPixels + " of " + (long) width * height + " pixels differ ("
                + percent(differingFraction) + "), max difference " + maxDifference;
        return passed() ? numbers : reason;
    }

    /** A fraction as a percentage with enough digits to tell small shares apart: 0.0021 → "0.21 %". */
    public static String percent(double fraction) {
        double p = fraction * 100;
        if (p == 0) {
            return "0 %";
        }
        String s = p >= 1 ? String.format(java.util.Locale.ROOT, "%.1f", p)
                : p >= 0.01 ? String.format(java.util.Locale.ROOT, "%.2f", p)
                : String.format(java.util.Locale.ROOT, "%.2g", p);
        return s + " %";
    }
}
