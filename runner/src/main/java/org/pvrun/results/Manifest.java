package org.pvrun.results;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a run did and how each output was made (docs/manifest.md). Field names are part of pvrun's
 * stable interface; add fields, never rename them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int manifestVersion,
        String pipeline,
        String runId,
        String status,
        String target,
        String scheduler,
        String transport,
        String paraviewVersion,
        String paraviewConstraint,
        String spec,
        String specSha256,
        String script,
        String scriptSha256,
        List<InputRecord> inputs,
        int ranks,
        String display,
        List<String> command,
        String host,
        String pvrunVersion,
        String started,
        String finished,
        Double durationSeconds,
        List<String> jobIds,
        List<String> nodes,
        String remoteDir,
        List<String> setup,
        Provenance.Git git,
        List<TaskRecord> tasks,
        List<DataRecord> data,
        MovieRecord movie) {

    /** A manifest without a movie. */
    public Manifest(int manifestVersion, String pipeline, String runId, String status, String target, String scheduler,
            String transport, String paraviewVersion, String paraviewConstraint, String spec, String specSha256,
            String script, String scriptSha256, List<InputRecord> inputs, int ranks, String display, List<String> command,
            String host, String pvrunVersion, String started, String finished, Double durationSeconds,
            List<String> jobIds, List<String> nodes, String remoteDir, List<String> setup, Provenance.Git git,
            List<TaskRecord> tasks, List<DataRecord> data) {
        this(manifestVersion, pipeline, runId, status, target, scheduler, transport, paraviewVersion, paraviewConstraint,
                spec, specSha256, script, scriptSha256, inputs, ranks, display, command, host, pvrunVersion, started,
                finished, durationSeconds, jobIds, nodes, remoteDir, setup, git, tasks, data, null);
    }

    /**
     * A split animation's movie (docs/animations.md#movie), paths relative to the run directory; {@code file}
     * null when none was made ({@code note} says why: no ffmpeg, no movie: in the spec).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MovieRecord(String frames, int frameCount, String file, Long bytes, String sha256, Integer fps,
            String contactSheet, String contactSheetSha256, String note) {}

    /** A manifest without data in place. */
    public Manifest(int manifestVersion, String pipeline, String runId, String status, String target, String scheduler,
            String transport, String paraviewVersion, String paraviewConstraint, String spec, String specSha256,
            String script, String scriptSha256, List<InputRecord> inputs, int ranks, String display, List<String> command,
            String host, String pvrunVersion, String started, String finished, Double durationSeconds,
            List<String> jobIds, List<String> nodes, String remoteDir, List<String> setup, Provenance.Git git,
            List<TaskRecord> tasks) {
        this(manifestVersion, pipeline, runId, status, target, scheduler, transport, paraviewVersion, paraviewConstraint,
                spec, specSha256, script, scriptSha256, inputs, ranks, display, command, host, pvrunVersion, started,
                finished, durationSeconds, jobIds, nodes, remoteDir, setup, git, tasks, null, null);
    }

    /**
     * A file or folder read in place on the target ({@code data:}): its link name in each task folder, where it
     * is on the target, and what it was when the run started (size, modification time, SHA-256 with
     * {@code verify: sha256}), so a rerun can tell whether the figure would be made from the same data.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataRecord(String name, String path, String type, long bytes, String modified, String sha256) {}

    public record InputRecord(String name, String source, long bytes, String sha256) {}

    /**
     * One task. {@code key} identifies what determines its outputs; {@code reused_from} names the earlier task
     * ({@code RUN-ID/tasks/NNNN}) whose outputs were reused instead of running it ({@code --resume});
     * {@code attempts} lists every run of it (retries).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskRecord(
            int index,
            Map<String, Object> params,
            List<String> argv,
            String status,
            Integer exitCode,
            String reason,
            String log,
            String key,
            String reusedFrom,
            List<AttemptRecord> attempts,
            List<OutputRecord> outputs) {}

    /** One run of a task: its attempt number (1, 2, ...), the job that ran it, and how it ended. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptRecord(int attempt, String job, Integer exitCode, String reason) {}

    public record OutputRecord(String path, long bytes, String sha256) {}
}
