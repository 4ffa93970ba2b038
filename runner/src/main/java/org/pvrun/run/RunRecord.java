package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.spec.Display;
import org.pvrun.spec.Target;

/**
 * Everything a process needs to pick a run up again (docs/sweeps.md#runs-outlive-the-runner): written to
 * {@code run.json} in the local run directory before the first job is submitted and after every change.
 * With it, {@code pvrun status}, {@code fetch}, {@code logs} and {@code cancel} work from a new process,
 * after {@code --detach} and after the runner was killed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        int recordVersion,
        String runId,
        String pipeline,
        String runDir,
        String remoteDir,
        TargetRecord target,
        String paraviewVersion,
        SpecRecord spec,
        List<TaskEntry> tasks,
        List<Round> rounds,
        String state,
        String started,
        boolean detached,
        org.pvrun.results.Provenance.Git git,
        AfterRun afterRun) {

    public static final String FILE = "run.json";
    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String CANCELLED = "cancelled";

    /** The parts of the spec the rest of the run needs (the spec file itself is copied into pipeline/). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SpecRecord(String file, String sha256, String script, String scriptSha256, String paraviewConstraint,
            int ranks, String display, Long timeoutSeconds, int retries, List<String> outputs,
            List<Manifest.InputRecord> inputs, String reset, List<Manifest.DataRecord> data, Boolean strict,
            org.pvrun.spec.AnimationSpec animation, StateRecord state) {

        public SpecRecord(String file, String sha256, String script, String scriptSha256, String paraviewConstraint,
                int ranks, String display, Long timeoutSeconds, int retries, List<String> outputs,
                List<Manifest.InputRecord> inputs, String reset) {
            this(file, sha256, script, scriptSha256, paraviewConstraint, ranks, display, timeoutSeconds, retries, outputs,
                    inputs, reset, null, null, null, null);
        }

        /** The data read in place, or none (also for a record written before data: existed). */
        public List<Manifest.DataRecord> dataOrEmpty() {
            return data == null ? List.of() : data;
        }
    }

    /**
     * A state file's rendering (docs/state-files.md), as each task is told it.
     *
     * @param files      a data path as the state names it to its name in the task folder
     * @param resolution [width, height], or null for each view's size as saved
     * @param views      all (an image per view) or layout (an image per layout)
     * @param savedWith  the ParaView version that saved the state, or null when it does not say
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StateRecord(Map<String, String> files, List<Integer> resolution, String views, String savedWith) {}

    /** A task as planned; {@code reusedFrom} is set when --resume found its outputs in an earlier run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskEntry(int index, Map<String, Object> params, List<String> argv, String key, String reusedFrom,
            org.pvrun.plan.AnimationPart animation) {
        public TaskEntry(int index, Map<String, Object> params, List<String> argv, String key, String reusedFrom) {
            this(index, params, argv, key, reusedFrom, null);
        }
    }

    /**
     * One round of jobs: the first runs every task that is not reused; each retry round runs the tasks that
     * failed. {@code jobs.get(i)} are the task indices of job (array element) i; {@code jobIds} are the
     * scheduler's ids (one array id for Slurm/PBS/Grid Engine per array, in order, one process id per job
     * without a scheduler). {@code perArray} is the scheduler's array limit the round was split under (0: one
     * array, as in every record written before arrays were split).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Round(int number, String jobDir, List<List<Integer>> jobs, List<String> jobIds,
            Map<String, Integer> exitCodes, Map<String, String> jobEnds, int perArray) {

        public Round(int number, String jobDir, List<List<Integer>> jobs, List<String> jobIds,
                Map<String, Integer> exitCodes, Map<String, String> jobEnds) {
            this(number, jobDir, jobs, jobIds, exitCodes, jobEnds, 0);
        }

        /** The round's arrays: which jobs each holds. */
        public org.pvrun.plan.ArraySplit split() {
            return new org.pvrun.plan.ArraySplit(Math.max(1, jobs.size()), perArray);
        }

        /** This round with its ids, verdicts or ends replaced. */
        public Round with(List<String> ids, Map<String, Integer> codes, Map<String, String> ends) {
            return new Round(number, jobDir, jobs, ids, codes, ends, perArray);
        }
    }

    /**
     * What to do once the run is collected, by whichever process collects it (run, fetch after --detach,
     * rerun): compare with {@code baseline}, write JUnit XML to {@code junit}, write the HTML report. Paths
     * are absolute; null when the run was started by a pvrun that did not record it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AfterRun(String baseline, String junit, boolean report) {
        public static AfterRun of(Path baseline, Path junit, boolean report) {
            return new AfterRun(baseline == null ? null : baseline.toAbsolutePath().normalize().toString(),
                    junit == null ? null : junit.toAbsolutePath().normalize().toString(), report);
        }

        public boolean nothing() {
            return baseline == null && junit == null && !report;
        }
    }

    /** A target as recorded (the targets file may have changed since). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetRecord(String name, String host, Integer port, String user, String identity, List<String> jump,
            String knownHosts, String scheduler, String workdir, List<String> setup, String launcher, String pvbatch,
            String display, long pollMillis, Map<String, String> resources, Map<String, String> env, String transport) {

        public static TargetRecord of(Target t) {
            return new TargetRecord(t.name(), t.host(), t.port(), t.user(), t.identity(), t.jump(), t.knownHosts(),
                    t.scheduler(), t.workdir(), t.setup(), t.launcher(), t.pvbatch(), t.display().id(),
                    t.poll().toMillis(), t.resources(), t.env(), t.transport());
        }

        public Target toTarget() {
            return new Target(name, host, port, user, identity, jump == null ? List.of() : jump, knownHosts, scheduler,
                    workdir, setup == null ? List.of() : setup, launcher, pvbatch, Display.parse(display),
                    Duration.ofMillis(pollMillis), resources == null ? Map.of() : resources,
                    env == null ? Map.of() : env, transport == null ? "jsch" : transport);
        }
    }

    public RunRecord withRounds(List<Round> r) {
        return new RunRecord(recordVersion, runId, pipeline, runDir, remoteDir, target, paraviewVersion, spec, tasks,
                List.copyOf(r), state, started, detached, git, afterRun);
    }

    public RunRecord withState(String s) {
        return new RunRecord(recordVersion, runId, pipeline, runDir, remoteDir, target, paraviewVersion, spec, tasks,
                rounds, s, started, detached, git, afterRun);
    }

    public List<Round> roundsOrEmpty() {
        return rounds == null ? new ArrayList<>() : new ArrayList<>(rounds);
    }

    public static void write(Path runDir, RunRecord r) throws IOException {
        ManifestIO.writeJsonAtomically(runDir.resolve(FILE), r);
    }

    public static RunRecord read(Path runDir) throws IOException {
        return ManifestIO.JSON.readValue(runDir.resolve(FILE).toFile(), RunRecord.class);
    }

    public static boolean exists(Path runDir) {
        return Files.isRegularFile(runDir.resolve(FILE));
    }
}
