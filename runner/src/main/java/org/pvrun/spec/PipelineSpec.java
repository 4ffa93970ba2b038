package org.pvrun.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated pipeline spec (docs/spec.md). Paths are absolute; params are plain Java values
 * (String, Long, Double, Boolean, null, List, Map) after any {@code --set} overrides.
 *
 * @param specFile    the spec file
 * @param specSha256  SHA-256 of the spec file's bytes
 * @param name        pipeline name, [A-Za-z0-9._-]
 * @param script      the pvbatch script, or the state file with {@code state:}
 * @param paraview    version constraint, or null for any
 * @param params      parameters
 * @param args        script arguments as written, with {param} placeholders
 * @param ranks       MPI ranks
 * @param inputs      files shipped with the script
 * @param outputs     output globs relative to the task directory (empty = everything the task wrote)
 * @param target      target name ("inline" when the spec defines its own)
 * @param inlineTarget the target defined in the spec itself, or null
 * @param timeout     per-task timeout, or null for none
 * @param display     how pvbatch gets a display
 * @param resources   scheduler resources overriding the target's
 * @param points      the sweep's points (param → value, over {@code params}); one empty point without a sweep
 * @param tasksPerJob tasks run by one pvbatch process, or null to choose from the tasks and slots
 * @param maxParallel at most this many jobs at once (Slurm array %M, PBS, local), or null
 * @param retries     how many more times a failed task is run
 * @param reset       what is cleared between the tasks of one pvbatch process: "pipeline" or "session"
 * @param baseline    folder of reference images every image output is compared with, or null
 * @param report      write report.html into the run directory
 * @param data        files already on the target, linked into each task folder, never copied
 * @param strict      a task that writes files outside its folder fails (docs/runtime.md#outside-writes)
 * @param animation   the script's SaveAnimation split across tasks (and a movie made of it), or null
 * @param state       the state file rendered instead of a script ({@code script} is then that file), or null
 */
public record PipelineSpec(
        Path specFile,
        String specSha256,
        String name,
        String description,
        Path script,
        VersionConstraint paraview,
        Map<String, Object> params,
        List<String> args,
        int ranks,
        List<InputFile> inputs,
        List<String> outputs,
        String target,
        Target inlineTarget,
        Duration timeout,
        Display display,
        Map<String, String> resources,
        List<Map<String, Object>> points,
        Integer tasksPerJob,
        Integer maxParallel,
        int retries,
        String reset,
        Path baseline,
        boolean report,
        List<DataRef> data,
        boolean strict,
        AnimationSpec animation,
        StateSpec state) {

    public PipelineSpec {
        data = data == null ? List.of() : List.copyOf(data);
    }

    /**
     * The count run of {@code frames_per_task:} (docs/animations.md): the same script, inputs, data, target and
     * sweep under the name {@code NAME-count}, each point one task that only counts its animation's frames and
     * writes the count to {@code countFile}; no movie, report, baseline or retries.
     */
    public PipelineSpec forFrameCount(String countFile) {
        return new PipelineSpec(specFile, specSha256, name + "-count", description, script, paraview, params, args, ranks,
                inputs, List.of(countFile), target, inlineTarget, timeout, display, resources, points, tasksPerJob,
                maxParallel, 0, reset, null, false, data, strict, animation.counting(), state);
    }

    /** The same spec, its {@code frames_per_task:} animation counted into {@code parts} (only the record needs it). */
    public PipelineSpec withAnimation(AnimationSpec a) {
        return new PipelineSpec(specFile, specSha256, name, description, script, paraview, params, args, ranks, inputs,
                outputs, target, inlineTarget, timeout, display, resources, points, tasksPerJob, maxParallel, retries,
                reset, baseline, report, data, strict, a, state);
    }

    /** A spec without data in place (a run picked up from its record, which keeps the resolved data itself). */
    public PipelineSpec(Path specFile, String specSha256, String name, String description, Path script,
            VersionConstraint paraview, Map<String, Object> params, List<String> args, int ranks,
            List<InputFile> inputs, List<String> outputs, String target, Target inlineTarget, Duration timeout,
            Display display, Map<String, String> resources, List<Map<String, Object>> points, Integer tasksPerJob,
            Integer maxParallel, int retries, String reset, Path baseline, boolean report, boolean strict) {
        this(specFile, specSha256, name, description, script, paraview, params, args, ranks, inputs, outputs, target,
                inlineTarget, timeout, display, resources, points, tasksPerJob, maxParallel, retries, reset, baseline,
                report, List.of(), strict, null, null);
    }

    /** One input file: where it is, and the name it gets in each task's working directory. */
    public record InputFile(Path source, String name) {}
}
