package org.pvrun.run;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.github.mustachejava.DefaultMustacheFactory;
import org.apache.commons.io.FileUtils;
import org.pvrun.movie.Movies;
import org.pvrun.report.HtmlReport;
import org.pvrun.util.Versions;

/**
 * The live contact sheet of a split animation with {@code report: true} (docs/animations.md): while the run goes
 * on, {@code RUN/report.html} is a page that reloads itself and shows up to 64 of the frames rendered so far, evenly
 * spaced, read from the tasks' frame logs ({@code status/NNNN.fdone}). Here the frames are read where the tasks
 * write them; on a remote target only the sampled frames are fetched, into {@code RUN/live/} (at most 64 files,
 * and only those not fetched before). When the run ends, {@link #clear} removes the page and {@code live/}, and the
 * run's report takes the page's place. A live sheet that cannot be made is no reason to stop a render: the first
 * failure is said once and the sheet is left as it was; it is tried again a period later (a connection lost for a
 * moment, a frame a retry removed), and given up after {@link #TRIES} failures in a row.
 */
final class LiveSheet {
    static final String DIR = "live";
    static final String MARK = "<!-- pvrun live report";
    /** How often the sheet is made again at most, here and over SSH (each time fetches up to 64 frames). */
    static final long LOCAL_PERIOD_NANOS = 5_000_000_000L;
    static final long REMOTE_PERIOD_NANOS = 30_000_000_000L;
    private static final DefaultMustacheFactory FACTORY = new DefaultMustacheFactory("org/pvrun/report");

    private final Session s;
    private final boolean enabled;
    private final long period;
    private long next = System.nanoTime();
    private int lastDone = -1;
    /** Failures in a row after which the sheet is left as it was for the rest of the run. */
    static final int TRIES = 3;
    private int failures;

    LiveSheet(Session s) {
        this.s = s;
        RunRecord.AfterRun after = s.rec.afterRun();
        this.enabled = after != null && after.report() && s.rec.spec().animation() != null
                && !s.rec.spec().animation().count();
        String every = s.o.env().get("PVRUN_LIVE_SHEET_SECONDS");  // documented in docs/animations.md
        this.period = every != null && every.matches("\\d{1,5}") ? Long.parseLong(every) * 1_000_000_000L
                : s.target.isRemote() ? REMOTE_PERIOD_NANOS : LOCAL_PERIOD_NANOS;
    }

    /** After a poll: the sheet made again when frames were added since and the period has passed. */
    void update(JobFiles files) {
        if (!enabled || failures >= TRIES || files.frames.isEmpty() || System.nanoTime() - next < 0) {
            return;
        }
        int done = files.frames.values().stream().mapToInt(f -> f[0]).sum();
        int total = files.frames.values().stream().mapToInt(f -> f[1]).max().orElse(0);
        if (done == lastDone || done == 0) {
            return;
        }
        next = System.nanoTime() + period;
        try {
            make(Math.min(done, total), total);
            lastDone = done;
            failures = 0;
        } catch (IOException | RuntimeException e) {
            if (++failures == 1) {
                s.o.err().println("pvrun: warning: the live contact sheet could not be made (tried again later): "
                        + e.getMessage());
            } else if (failures == TRIES) {
                s.o.err().println("pvrun: warning: no live contact sheet for the rest of this run: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void make(int done, int total) throws IOException, InterruptedException {
        Map<Integer, String> frames = framesDone();  // number → path under the run directory on the target
        if (frames.isEmpty()) {
            return;
        }
        List<Integer> numbers = sample(new ArrayList<>(frames.keySet()), SHEET);
        List<String> paths = numbers.stream().map(frames::get).toList();
        Path dir = Files.createDirectories(s.localRun.resolve(DIR));
        Path root;
        if (s.target.isRemote()) {
            root = dir.resolve("frames");
            List<String> missing = paths.stream().filter(p -> !Files.isRegularFile(root.resolve(p))).toList();
            if (!missing.isEmpty()) {
                s.t.downloadTree(s.rec.remoteDir(), missing, root);
            }
        } else {
            root = Path.of(s.rec.remoteDir());
        }
        // a frame a retry removed since its log was read is left out, not a reason to fail
        List<Integer> shownNumbers = new ArrayList<>();
        List<String> shownPaths = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            if (Files.isRegularFile(root.resolve(paths.get(i)))) {
                shownNumbers.add(numbers.get(i));
                shownPaths.add(paths.get(i));
            }
        }
        if (shownPaths.isEmpty()) {
            return;
        }
        paths = shownPaths;
        Path sheet = Movies.contactSheet(root, paths, shownNumbers, dir.resolve("contact.png"));
        Map<String, Object> v = new TreeMap<>();
        v.put("pipeline", s.rec.pipeline());
        v.put("runId", s.localRun.getFileName().toString());
        v.put("done", done);
        v.put("total", total);
        v.put("shown", paths.size());
        v.put("refresh", Math.max(2, period / 1_000_000_000L));
        v.put("updated", LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
        v.put("sheet", DIR + "/" + sheet.getFileName() + "?" + done);
        v.put("version", Versions.pvrun());
        v.put("css", HtmlReport.css());
        StringWriter out = new StringWriter();
        FACTORY.compile("live.html.mustache").execute(out, v);
        Path page = s.localRun.resolve(HtmlReport.FILE);
        if (Files.exists(page) && !isLive(page)) {
            return; // a report of an earlier collection (pvrun fetch of a run already reported): not ours to replace
        }
        Path tmp = dir.resolve("report.html.tmp");
        Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static final int SHEET = 64;

    /** Up to {@code n} of {@code numbers} (sorted), evenly spaced, the first and last among them. */
    static List<Integer> sample(List<Integer> numbers, int n) {
        numbers.sort(null);
        if (numbers.size() <= n) {
            return numbers;
        }
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(numbers.get((int) ((long) i * (numbers.size() - 1) / (n - 1))));
        }
        return out;
    }

    /** Every frame the tasks' logs say is done: number → its file, relative to the run directory. */
    private Map<Integer, String> framesDone() throws IOException, InterruptedException {
        Map<Integer, String> out = new TreeMap<>();
        FrameLogs.read(s.t, s.rec.remoteDir()).forEach((task, frames) ->
                frames.forEach((k, file) -> out.put(k, "tasks/" + task + "/" + file)));
        return out;
    }

    static boolean isLive(Path page) {
        try {
            byte[] head = new byte[64];
            int n;
            try (var in = Files.newInputStream(page)) {
                n = in.readNBytes(head, 0, head.length);
            }
            return new String(head, 0, n, StandardCharsets.UTF_8).contains(MARK);
        } catch (IOException e) {
            return false;
        }
    }

    /** When the run ends (however it ends): the live page and {@code live/} go. */
    static void clear(Path runDir) {
        try {
            Path page = runDir.resolve(HtmlReport.FILE);
            if (Files.exists(page) && isLive(page)) {
                Files.delete(page);
            }
            FileUtils.deleteDirectory(runDir.resolve(DIR).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
