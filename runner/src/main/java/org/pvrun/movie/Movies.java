package org.pvrun.movie;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.apache.commons.io.FileUtils;
import org.pvrun.spec.AnimationSpec;

/**
 * The movie and contact sheet of a split animation (docs/animations.md#movie), made on this machine once the
 * frames are collected, with the distribution's {@code ffmpeg}: H.264 in MP4 (yuv420p, sizes padded to even,
 * as players need) or VP9 in WebM; then {@code ffprobe} counts the frames it holds.
 */
public final class Movies {
    static final int THUMB_WIDTH = 160;
    static final int SHEET_COLUMNS = 8;
    static final int SHEET_MAX = 64;

    /** A movie made, or why not. */
    public record Result(Path movie, Path contactSheet, int frames, int fps, String problem) {}

    private Movies() {}

    /** The ffmpeg command for frames named {@code %06d.png} in {@code dir} (links to the frames in order). */
    static List<String> encodeCommand(String ffmpeg, Path dir, int fps, Path out) {
        List<String> argv = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-framerate", String.valueOf(fps), "-i", dir.resolve("%06d.png").toString(),
                "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-fflags", "+bitexact"));
        if (out.toString().endsWith(".webm")) {
            argv.addAll(List.of("-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "32"));
        } else {
            argv.addAll(List.of("-c:v", "libx264", "-crf", "18", "-movflags", "+faststart"));
        }
        argv.add(out.toString());
        return argv;
    }

    /** Encodes the checked frames into {@code runDir/movie/FILE} and writes the contact sheet beside it. */
    public static Result make(Path runDir, List<String> frames, AnimationSpec.Movie movie, String ffmpeg)
            throws IOException, InterruptedException {
        return make(runDir, frames, null, movie, ffmpeg);
    }

    /** As above, the contact sheet labelled with {@code numbers} (null: the number in each frame's name). */
    public static Result make(Path runDir, List<String> frames, List<Integer> numbers, AnimationSpec.Movie movie,
            String ffmpeg) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(runDir.resolve("movie"));
        Path sheet = contactSheet(runDir, frames, numbers, dir.resolve(stem(movie.file()) + ".contact.png"));
        Path links = Files.createDirectories(runDir.resolve(".movie"));
        try {
            for (int i = 0; i < frames.size(); i++) {
                Files.createSymbolicLink(links.resolve(String.format("%06d.png", i)), runDir.resolve(frames.get(i)));
            }
            Path out = dir.resolve(movie.file());
            Path tmp = dir.resolve("." + movie.file() + ".tmp" + (movie.file().endsWith(".webm") ? ".webm" : ".mp4"));
            String said = run(encodeCommand(ffmpeg, links, movie.fps(), tmp), 3600);
            if (said != null) {
                Files.deleteIfExists(tmp);
                return new Result(null, sheet, frames.size(), movie.fps(), "ffmpeg failed: " + said);
            }
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Result(out, sheet, frames.size(), movie.fps(), null);
        } finally {
            FileUtils.deleteDirectory(links.toFile());
        }
    }

    /** What {@code ffprobe} says the movie holds: {@code [frames, fps]}, or null when it cannot tell. */
    public static int[] probe(String ffprobe, Path movie) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames,r_frame_rate", "-of", "csv=p=0", movie.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return null;
        }
        String[] f = out.split(",");
        if (f.length != 2 || !f[1].matches("\\d+")) {
            return null;
        }
        String[] rate = f[0].split("/");
        int fps = rate.length == 2 ? Math.round(Float.parseFloat(rate[0]) / Float.parseFloat(rate[1]))
                : Math.round(Float.parseFloat(rate[0]));
        return new int[] {Integer.parseInt(f[1]), fps};
    }

    /** Thumbnails of up to {@value #SHEET_MAX} frames, evenly spaced, each labelled with its number. */
    static Path contactSheet(Path runDir, List<String> frames, Path out) throws IOException {
        return contactSheet(runDir, frames, null, out);
    }

    public static Path contactSheet(Path runDir, List<String> frames, List<Integer> numbers, Path out) throws IOException {
        int n = Math.min(SHEET_MAX, frames.size());
        if (n == 0) {
            return null;
        }
        List<BufferedImage> thumbs = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int th = 0;
        for (int i = 0; i < n; i++) {
            int k = n == frames.size() ? i : (int) ((long) i * (frames.size() - 1) / (n - 1));
            BufferedImage img = ImageIO.read(runDir.resolve(frames.get(k)).toFile());
            int h = Math.max(1, img.getHeight() * THUMB_WIDTH / img.getWidth());
            BufferedImage t = new BufferedImage(THUMB_WIDTH, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = t.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, THUMB_WIDTH, h, null);
            g.dispose();
            thumbs.add(t);
            labels.add(numbers != null ? String.valueOf(numbers.get(k))
                    : frames.get(k).replaceAll(".*\\.(\\d+)\\.[^.]+$", "$1"));
            th = Math.max(th, h);
        }
        int cols = Math.min(SHEET_COLUMNS, n);
        int rows = (n + cols - 1) / cols;
        int label = 14;
        BufferedImage sheet = new BufferedImage(cols * (THUMB_WIDTH + 4) + 4, rows * (th + label + 4) + 4,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        for (int i = 0; i < n; i++) {
            int x = 4 + (i % cols) * (THUMB_WIDTH + 4);
            int y = 4 + (i / cols) * (th + label + 4);
            g.drawImage(thumbs.get(i), x, y, null);
            g.setColor(Color.WHITE);
            g.drawString(labels.get(i), x + 2, y + th + label - 3);
        }
        g.dispose();
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        ImageIO.write(sheet, "png", tmp.toFile());
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** Runs a command; null when it exited 0, else the end of what it said. */
    private static String run(List<String> argv, long seconds) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot run " + argv.get(0) + " (" + e.getMessage() + "); install it: apt-get install ffmpeg";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "ffmpeg took more than " + seconds + " s";
        }
        if (p.exitValue() == 0) {
            return null;
        }
        return "exit " + p.exitValue() + (out.isEmpty() ? "" : ": " + out.substring(Math.max(0, out.length() - 2000)));
    }

    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? file : file.substring(0, dot);
    }
}
