package org.pvrun.movie;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.pvrun.plan.Task;
import org.pvrun.util.Ranges;

/**
 * The frames of one split animation, gathered from every task's outputs and checked before a movie is made of
 * them (docs/animations.md#checks): each frame number of the animation is there once, all frames have one size,
 * and none is blank (a frame of one colour is what a failed offscreen context renders).
 *
 * @param name   the script's SaveAnimation file name ({@code frames/orbit.png})
 * @param frames the frame files in frame order, relative to the run directory
 * @param numbers the frame number of each of {@code frames}
 */
public record Frames(String name, List<String> frames, List<Integer> numbers) {

    /** What went wrong with the frames; empty when a movie can be made. */
    public record Check(List<String> problems, int width, int height) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * The frames of {@code name} ({@code frames/orbit.png}: {@code frames/orbit.0007.png} in any task) among
     * {@code outputs} (run-relative paths {@code tasks/NNNN/...}), expecting frame numbers
     * {@code first .. first + total - 1}; missing or doubled numbers are problems.
     */
    public static Frames gather(String name, List<String> outputs) {
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot);
        Pattern p = Pattern.compile("tasks/\\d{4,}/" + Pattern.quote(stem) + "\\.(\\d+)" + Pattern.quote(ext));
        Map<Integer, String> byNumber = new TreeMap<>();
        for (String o : outputs) {
            Matcher m = p.matcher(o);
            if (m.matches()) {
                byNumber.merge(Integer.parseInt(m.group(1)), o, (a, b) -> a + "\n" + b);
            }
        }
        return new Frames(name, List.copyOf(byNumber.values()), List.copyOf(byNumber.keySet()));
    }

    /**
     * The frames of an {@code animation: {times: all}} (docs/animations.md#times-all): each task's record says which
     * file each of its frames went to (the script names them); a frame counts when that file is among
     * {@code outputs} (run-relative paths {@code tasks/NNNN/...}).
     *
     * @param byTask task index to its frames, frame number to the file relative to the task folder
     */
    public static Frames recorded(String name, Map<Integer, Map<Integer, String>> byTask, Collection<String> outputs) {
        Set<String> collected = new HashSet<>(outputs);
        Map<Integer, String> byNumber = new TreeMap<>();
        new TreeMap<>(byTask).forEach((task, frames) -> frames.forEach((k, file) -> {
            String path = "tasks/" + Task.id(task) + "/" + file;
            if (collected.contains(path)) {
                byNumber.merge(k, path, (a, b) -> a + "\n" + b);
            }
        }));
        return new Frames(name, List.copyOf(byNumber.values()), List.copyOf(byNumber.keySet()));
    }

    /** Checks numbering against the animation's {@code first} and {@code total}, then sizes and blank frames. */
    public Check check(Path runDir, int first, int total) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        Map<Integer, String> byNumber = numbered();
        for (int k = first; k < first + total; k++) {
            String f = byNumber.get(k);
            if (f == null) {
                missing.add(k);
            } else if (f.contains("\n")) {
                problems.add("frame " + k + " was rendered by more than one task: " + f.replace("\n", ", "));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " of " + total + " frames missing: " + ranges(missing));
        }
        // decoded side by side (every frame is read whole for the blank check: about 10 ms a 640x480 PNG), the
        // problems still said in frame order
        List<Map.Entry<Integer, String>> single = byNumber.entrySet().stream().filter(e -> !e.getValue().contains("\n"))
                .toList();
        List<Look> looks;
        try {
            looks = single.parallelStream().map(e -> {
                try {
                    return Look.of(runDir.resolve(e.getValue()));
                } catch (IOException io) {
                    throw new UncheckedIOException(io);
                }
            }).toList();  // in frame order; null where a file is not an image
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int width = -1;
        int height = -1;
        for (int i = 0; i < looks.size(); i++) {
            Map.Entry<Integer, String> e = single.get(i);
            Look look = looks.get(i);
            if (look == null) {
                problems.add("frame " + e.getKey() + " (" + e.getValue() + ") is not an image");
                continue;
            }
            if (width < 0) {
                width = look.width();
                height = look.height();
            } else if (look.width() != width || look.height() != height) {
                problems.add("frame " + e.getKey() + " is " + look.width() + "x" + look.height() + ", the others "
                        + width + "x" + height);
            }
            if (look.blank()) {
                problems.add("frame " + e.getKey() + " (" + e.getValue() + ") is blank (one colour): a failed offscreen "
                        + "context renders such frames");
            }
        }
        return new Check(List.copyOf(problems), width, height);
    }

    private Map<Integer, String> numbered() {
        Map<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < frames.size(); i++) {
            m.put(numbers.get(i), frames.get(i));
        }
        return m;
    }

    /** What the check needs of one frame: its size and whether it is of one colour; null: not an image. */
    private record Look(int width, int height, boolean blank) {
        static Look of(Path file) throws IOException {
            BufferedImage img = ImageIO.read(file.toFile());
            return img == null ? null : new Look(img.getWidth(), img.getHeight(), Frames.blank(img));
        }
    }

    /** One colour in every pixel. */
    static boolean blank(BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) != first) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code 3-5, 9}. */
    static String ranges(List<Integer> numbers) {
        StringBuilder b = new StringBuilder();
        List<int[]> runs = Ranges.of(numbers);
        int shown = 0;
        while (shown < runs.size() && b.length() < 200) {
            int[] r = runs.get(shown++);
            b.append(b.length() == 0 ? "" : ", ").append(r[0]).append(r[0] == r[1] ? "" : "-" + r[1]);
        }
        return shown < runs.size() ? b + ", ..." : b.toString();
    }
}
