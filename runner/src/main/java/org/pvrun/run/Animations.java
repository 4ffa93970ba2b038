package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.pvrun.movie.Frames;
import org.pvrun.movie.Movies;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.spec.AnimationSpec;
import org.pvrun.util.Hashes;

/**
 * After a split animation's tasks are collected (docs/animations.md): its frames checked together, then the
 * movie and contact sheet made on this machine. Problems fail the run; a missing ffmpeg is only a note.
 */
final class Animations {
    /** What became of the animation: the manifest's record and what is wrong (empty: nothing). */
    record Outcome(Manifest.MovieRecord record, List<String> problems) {}

    private Animations() {}

    /** Each task's frames as its record lists them ({@code times: all}): frame number to the file in its folder. */
    static Map<Integer, Map<Integer, String>> recordedFrames(Map<Integer, String> records) throws IOException {
        Map<Integer, Map<Integer, String>> byTask = new TreeMap<>();
        for (Map.Entry<Integer, String> r : records.entrySet()) {
            Map<Integer, String> frames = new TreeMap<>();
            for (JsonNode a : ManifestIO.JSON.readTree(r.getValue()).path("animations")) {
                for (JsonNode f : a.path("frames")) {
                    frames.put(f.get(0).asInt(), f.get(1).asText());
                }
            }
            byTask.put(r.getKey(), frames);
        }
        return byTask;
    }

    /**
     * @param records each task's record of what it rendered (task index to the driver's JSON), for the tasks that
     *                wrote one
     */
    static Outcome finish(Path runDir, AnimationSpec spec, List<Manifest.TaskRecord> tasks, Map<Integer, String> records,
            Map<String, String> env) throws IOException, InterruptedException {
        String file = null;
        int first = 0;
        int total = 0;
        for (String json : records.values()) {
            JsonNode saved = ManifestIO.JSON.readTree(json).path("animations");
            if (saved.size() > 0) {
                file = saved.get(0).path("file").asText();
                first = saved.get(0).path("first").asInt();
                total = saved.get(0).path("total").asInt();
                break;
            }
        }
        if (file == null) {
            return new Outcome(null, List.of("animation: split " + spec.split() + ", but no task's script called "
                    + (spec.times() == null ? "SaveAnimation" : "SaveScreenshot") + ", so there are no frames to split"));
        }
        String name = file;
        List<String> outputs = new ArrayList<>();
        tasks.forEach(t -> t.outputs().forEach(o -> outputs.add(o.path())));
        Frames frames = spec.times() == null ? Frames.gather(file, outputs) : Frames.recorded(file, recordedFrames(records),
                outputs);
        Frames.Check check = frames.check(runDir, first, total);
        if (!check.ok()) {
            List<String> problems = new ArrayList<>();
            check.problems().forEach(p -> problems.add("animation " + name + ": " + p));
            return new Outcome(new Manifest.MovieRecord(file, frames.frames().size(), null, null, null, null, null, null,
                    "no movie: the frames failed their checks"), problems);
        }
        if (spec.movie() == null) {
            return new Outcome(new Manifest.MovieRecord(file, frames.frames().size(), null, null, null, null, null, null,
                    null), List.of());
        }
        String ffmpeg = env.getOrDefault("PVRUN_FFMPEG", "ffmpeg");
        Movies.Result made = Movies.make(runDir, frames.frames(), frames.numbers(), spec.movie(), ffmpeg);
        String sheet = made.contactSheet() == null ? null : runDir.relativize(made.contactSheet()).toString();
        String sheetSha = made.contactSheet() == null ? null : Hashes.sha256(made.contactSheet());
        if (made.problem() != null) {
            // the frames are collected and complete: the run did its work, only the movie is missing
            return new Outcome(new Manifest.MovieRecord(file, frames.frames().size(), null, null, null, spec.movie().fps(),
                    sheet, sheetSha, "no movie: " + made.problem()), List.of());
        }
        int[] probed = Movies.probe(env.getOrDefault("PVRUN_FFPROBE", "ffprobe"), made.movie());
        List<String> problems = new ArrayList<>();
        if (probed != null && probed[0] != frames.frames().size()) {
            problems.add("movie " + spec.movie().file() + " holds " + probed[0] + " frames, not " + frames.frames().size()
                    + " (ffprobe)");
        }
        return new Outcome(new Manifest.MovieRecord(file, frames.frames().size(), runDir.relativize(made.movie()).toString(),
                Files.size(made.movie()), Hashes.sha256(made.movie()), spec.movie().fps(), sheet, sheetSha, null), problems);
    }
}
