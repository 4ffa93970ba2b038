package org.pvrun.results;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * How the outputs of a rerun compare with the run it repeated (docs/reproducibility.md): per output,
 * byte-identical, pixel-identical (an image whose pixels are all equal although its bytes differ, e.g. PNG
 * metadata), or different (including missing on either side).
 */
public final class Rerun {
    public enum Verdict { IDENTICAL_BYTES, IDENTICAL_PIXELS, DIFFERENT, MISSING, EXTRA }

    public record OutputComparison(int task, String path, Verdict verdict) {}

    private Rerun() {}

    public static List<OutputComparison> compare(Path oldRun, Manifest old, Path newRun, Manifest now) throws IOException {
        List<OutputComparison> out = new ArrayList<>();
        Map<Integer, Manifest.TaskRecord> newTasks = new LinkedHashMap<>();
        now.tasks().forEach(t -> newTasks.put(t.index(), t));
        for (Manifest.TaskRecord ot : old.tasks()) {
            Manifest.TaskRecord nt = newTasks.get(ot.index());
            Map<String, Manifest.OutputRecord> newOut = new LinkedHashMap<>();
            if (nt != null) {
                nt.outputs().forEach(o -> newOut.put(o.path(), o));
            }
            for (Manifest.OutputRecord oo : ot.outputs()) {
                Manifest.OutputRecord no = newOut.remove(oo.path());
                out.add(new OutputComparison(ot.index(), oo.path(), no == null ? Verdict.MISSING
                        : no.sha256().equals(oo.sha256()) ? Verdict.IDENTICAL_BYTES
                        : samePixels(oldRun.resolve(oo.path()), newRun.resolve(no.path())) ? Verdict.IDENTICAL_PIXELS
                        : Verdict.DIFFERENT));
            }
            newOut.keySet().forEach(p -> out.add(new OutputComparison(ot.index(), p, Verdict.EXTRA)));
        }
        return out;
    }

    public static boolean allIdentical(List<OutputComparison> r) {
        return r.stream().allMatch(c -> c.verdict() == Verdict.IDENTICAL_BYTES || c.verdict() == Verdict.IDENTICAL_PIXELS);
    }

    static boolean samePixels(Path a, Path b) throws IOException {
        if (!Files.isRegularFile(a) || !Files.isRegularFile(b)) {
            return false;
        }
        BufferedImage x = ImageIO.read(a.toFile());
        BufferedImage y = ImageIO.read(b.toFile());
        if (x == null || y == null || x.getWidth() != y.getWidth() || x.getHeight() != y.getHeight()) {
            return false;
        }
        int w = x.getWidth();
        int[] rx = new int[w];
        int[] ry = new int[w];
        for (int row = 0; row < x.getHeight(); row++) {
            x.getRGB(0, row, w, 1, rx, 0, w);
            y.getRGB(0, row, w, 1, ry, 0, w);
            if (!java.util.Arrays.equals(rx, ry)) {
                return false;
            }
        }
        return true;
    }
}
