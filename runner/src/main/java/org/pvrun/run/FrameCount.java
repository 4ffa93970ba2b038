package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Planner;
import org.pvrun.spec.AnimationSpec;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;

/**
 * {@code animation: {frames_per_task: F}} (docs/animations.md): how many tasks a point needs depends on its
 * animation's frame count, which only the script knows. So before the render is planned, a count run ({@code
 * NAME-count}, a run of its own, recorded and listed like any other) runs each point's script on the target up to
 * its {@code SaveAnimation} (or first {@code SaveScreenshot} with {@code times: all}), where the driver writes
 * the frame count and stops the script without rendering. Each point then gets ⌈frames / F⌉ tasks. With
 * {@code --resume} an earlier count of the same script, inputs and parameters is reused, so a rerun pays nothing.
 */
public final class FrameCount {
    /** Written by the driver in the count task's folder (pvrun_frames.COUNT_FILE). */
    public static final String FILE = "pvrun-frames.count";

    private FrameCount() {}

    /** The render's plan: the frames of each point counted on the target first. */
    public static Plan plan(PipelineSpec spec, Target target, RunOptions options, Engine.Options engine)
            throws IOException, InterruptedException {
        AnimationSpec a = spec.animation();
        PipelineSpec counting = spec.forFrameCount(FILE);
        options.out().println("counting the frames of " + (spec.points().size() == 1 ? "the animation"
                : "each of the " + spec.points().size() + " points' animations") + " (run " + counting.name()
                + "), to split them into tasks of " + a.framesPerTask() + " frames");
        RunOptions quiet = new RunOptions(options.resultsDir(), false, options.verbose(), true, options.out(),
                options.err(), options.env());
        RunResult r = new Engine(quiet, new Engine.Options(engine.acceptNewHostKey(), false, engine.resume(), engine.jobs(),
                RunRecord.AfterRun.of(null, null, false))).run(Planner.plan(counting), target);
        String where = r.runDir() == null ? counting.name() : counting.name() + " " + r.runDir().getFileName();
        if (r.exitCode() != ExitCode.OK) {
            throw new PvrunException(r.exitCode(), "the count run of frames_per_task (" + where + ") did not succeed, so "
                    + "the render was not planned; see pvrun status " + (r.runDir() == null ? "" : r.runDir().getFileName()));
        }
        List<Integer> frames = new ArrayList<>();
        for (int i = 0; i < spec.points().size(); i++) {
            frames.add(read(r.runDir().resolve("tasks").resolve(org.pvrun.plan.Task.id(i)).resolve(FILE), i));
        }
        int most = frames.stream().mapToInt(Integer::intValue).max().orElse(0);
        Plan plan = Planner.plan(spec.withAnimation(a.counted(Math.max(1, (most + a.framesPerTask() - 1) / a.framesPerTask()))),
                frames);
        int total = frames.stream().mapToInt(Integer::intValue).sum();
        options.out().println("counted " + total + " frames" + (frames.size() == 1 ? "" : " in " + frames.size() + " points")
                + ": " + plan.tasks().size() + " tasks of at most " + a.framesPerTask() + " frames");
        return plan;
    }

    static int read(Path file, int point) throws IOException {
        String text = Files.exists(file) ? Files.readString(file).trim() : "";
        if (!text.matches("\\d{1,9}")) {
            throw new PvrunException(ExitCode.TASK_FAILED, "the count run of frames_per_task found no frame count for point "
                    + point + (text.isEmpty() ? "" : " ('" + text + "')") + ": the script must call SaveAnimation "
                    + "(or SaveScreenshot, with times: all) for its frames to be counted");
        }
        return Integer.parseInt(text);
    }
}
