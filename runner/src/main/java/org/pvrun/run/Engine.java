package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.pvrun.ExitCode;
import org.pvrun.job.TaskStatus;
import org.pvrun.plan.Packing;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.Display;
import org.pvrun.spec.Durations;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.connect.Connection;
import org.pvrun.transport.ExecResult;
import org.pvrun.connect.Transports;

/**
 * The engine for every target, this machine included: stage → submit → monitor → collect
 * (docs/design.md). Tasks are packed into jobs (a Slurm or PBS array, or detached processes without a
 * scheduler), followed with one status query per poll, retried, and fetched verified. The run's state
 * lives in {@code run.json}, so {@link #follow} can pick up a run that another process started.
 */
public final class Engine {
    static final String CACHE = ".pvrun-cache/sha256";
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    /** How the user asked for the run. */
    public record Options(boolean acceptNewHostKey, boolean detach, boolean resume, Integer jobs,
            RunRecord.AfterRun afterRun) {
        public Options(boolean acceptNewHostKey, boolean detach, boolean resume, Integer jobs) {
            this(acceptNewHostKey, detach, resume, jobs, null);
        }

        public static Options defaults() {
            return new Options(false, false, false, null);
        }
    }

    private final RunOptions o;
    private final Options eo;
    private final StateDir state;
    private final boolean trace;
    private final long t0 = System.nanoTime();

    public Engine(RunOptions o, Options eo) {
        this.o = o;
        this.eo = eo;
        this.state = new StateDir(o.env());
        this.trace = o.env().get("PVRUN_TRACE") != null;
    }

    /** With PVRUN_TRACE set, how long each step took (milliseconds since the engine started), on stderr. */
    void trace(String step) {
        if (trace) {
            o.err().printf("pvrun-trace %6d ms  %s%n", (System.nanoTime() - t0) / 1_000_000, step);
        }
    }

    // ------------------------------------------------------------------------------------------ start

    /** Runs a plan on a target: checks, stages, submits, then follows it unless {@code --detach}. */
    public RunResult run(Plan plan, Target target) {
        PipelineSpec spec = plan.spec();
        StringBuilder notes = new StringBuilder();
        Target t = target.isLocalDirect() ? Preflight.local(target, spec, o.env(), o.dryRun(), notes) : target;
        if (o.dryRun()) {
            // data in place is listed as the target sees it: a read-only look, the one connection a dry run makes
            List<Manifest.DataRecord> data = spec.data().isEmpty() ? List.of() : onTarget(t, s -> DataInPlace.resolve(
                    s.t, t, spec.data(), DataInPlace.inputNames(spec)));
            new DryRun(o.out(), this, o.verbose(), o.allTasks()).print(plan, t, notes.toString(), data);
            return new RunResult(null, null, ExitCode.OK);
        }
        return onTarget(t, s -> Starting.start(s, plan, eo));
    }

    /** Picks up a recorded run: waits for its jobs (submitting any not yet started), retries, fetches, reports. */
    public RunResult follow(Path runDir) {
        RunRecord rec = readRecord(runDir);
        if (Files.exists(runDir.resolve(ManifestIO.FILE)) && !collectAgain(rec)) {
            try {
                Manifest m = ManifestIO.read(runDir.resolve(ManifestIO.FILE));
                Reports.print(o, m, runDir);
                return new RunResult(m, runDir, exitOf(m.status()));
            } catch (IOException e) {
                throw PvrunException.environment("cannot read " + runDir.resolve(ManifestIO.FILE) + ": " + e.getMessage(), e);
            }
        }
        return onTarget(rec.target().toTarget(), s -> PickUp.resume(s, rec, runDir));
    }

    /**
     * A cancelled run is collected again by fetch: its jobs may have finished tasks after the last collection
     * (a cancel that did not reach them, or tasks ending while it did). Not once its run directory is gone (a
     * local run's scratch folder, or pruned on the target).
     */
    private static boolean collectAgain(RunRecord rec) {
        if (!RunRecord.CANCELLED.equals(rec.state())) {
            return false;
        }
        return rec.target().host() != null || Files.isDirectory(Path.of(rec.remoteDir()));
    }

    /** The live state of a recorded run, without changing anything. */
    public StatusView status(Path runDir) {
        RunRecord rec = readRecord(runDir);
        if (Files.exists(runDir.resolve(ManifestIO.FILE))) {
            try {
                Manifest m = ManifestIO.read(runDir.resolve(ManifestIO.FILE));
                int done = 0;
                int failed = 0;
                int reused = 0;
                for (Manifest.TaskRecord tr : m.tasks()) {
                    if (TaskStatus.succeeded(tr.status())) {
                        done++;
                    } else {
                        failed++;
                    }
                    if (tr.reusedFrom() != null) {
                        reused++;
                    }
                }
                return new StatusView(rec.runId(), rec.pipeline(), rec.target().name(), m.status(), runDir.toString(),
                        m.tasks().size(), 0, 0, 0, done, failed, reused, null, m.jobIds() == null ? List.of() : m.jobIds());
            } catch (IOException e) {
                throw PvrunException.environment("cannot read the manifest: " + e.getMessage(), e);
            }
        }
        return onTarget(rec.target().toTarget(), s -> PickUp.look(s, rec, runDir));
    }

    /** Cancels a recorded run's jobs and records it as cancelled. */
    public void cancel(Path runDir) {
        RunRecord rec = readRecord(runDir);
        if (Files.exists(runDir.resolve(ManifestIO.FILE))) {
            throw PvrunException.invalid("run " + rec.runId() + " has finished; nothing to cancel");
        }
        onTarget(rec.target().toTarget(), s -> {
            PickUp.load(s, rec, runDir);
            Cancelling.Outcome out = Cancelling.cancel(s);
            RunRecord.write(runDir, rec.withState(RunRecord.CANCELLED));
            if (out != null) {
                o.err().println(out.line());
                if (!out.confirmed()) {
                    throw PvrunException.environment("run " + rec.runId() + " is recorded as cancelled, but its jobs"
                            + " may still run (see above)");
                }
            }
            // what had finished is collected and verified now; the rest is recorded cancelled
            s.rec = s.rec.withState(RunRecord.CANCELLED);
            Collect.rebuildAttempts(s, true);
            new Collect(s).collect();
            return null;
        });
    }

    /**
     * Prints a task's log: the collected one once the run is fetched, else the one on the target, following it
     * until the task has its verdict when {@code follow} is set.
     */
    public void logs(Path runDir, int task, boolean follow) {
        RunRecord rec = readRecord(runDir);
        if (rec.tasks().stream().noneMatch(e -> e.index() == task)) {
            throw PvrunException.invalid("run " + rec.runId() + " has no task " + task + " (it has " + rec.tasks().size() + ")");
        }
        String id = Task.id(task);
        Path local = runDir.resolve("logs").resolve(id + ".log");
        if (Files.exists(runDir.resolve(ManifestIO.FILE))) {
            o.out().print(Hosts.readIfExists(local));
            o.out().flush();
            return;
        }
        String log = rec.remoteDir() + "/logs/" + id + ".log";
        String status = rec.remoteDir() + "/status/" + id + ".exit";
        onTarget(rec.target().toTarget(), s -> {
            long offset = 0;
            while (true) {
                ExecResult done = s.t.exec(List.of("test", "-f", status), COMMAND_TIMEOUT);
                ExecResult r = s.t.exec(List.of("sh", "-c", "tail -c +\"$2\" \"$1\" 2>/dev/null; exit 0", "sh", log,
                        Long.toString(offset + 1)), COMMAND_TIMEOUT);
                o.out().print(r.stdout());
                o.out().flush();
                offset += r.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (!follow || done.ok() || Interruption.interrupted()) {
                    return null;
                }
                Thread.sleep(1000);
            }
        });
    }

    /** Work done through one connection to a target. */
    private interface SessionWork<T> {
        T apply(Session s) throws IOException, InterruptedException;
    }

    /** Opens the target's transport for {@code work}, turning I/O failures and interrupts into pvrun's exits. */
    private <T> T onTarget(Target t, SessionWork<T> work) {
        Session s = null;
        try (Connection conn = Transports.connect(t, eo.acceptNewHostKey(), o.env(), o.err())) {
            s = new Session(this, o, conn, Schedulers.forName(t.scheduler()), t);
            return work.apply(s);
        } catch (IOException e) {
            throw PvrunException.environment("on target " + t.name() + ": " + e.getMessage() + resumeHint(s), e);
        } catch (PvrunException e) {
            String hint = e.exitCode() == ExitCode.ENVIRONMENT ? resumeHint(s) : "";
            throw hint.isEmpty() ? e : new PvrunException(e.exitCode(), e.getMessage().stripTrailing() + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PvrunException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    /** After a failure mid-run: how to pick the run up, which stays recorded as it was. */
    private static String resumeHint(Session s) {
        if (s == null || s.rec == null || s.localRun == null || Files.exists(s.localRun.resolve(ManifestIO.FILE))
                || !Files.exists(s.localRun.resolve(RunRecord.FILE))) {
            return "";
        }
        if (s.liveRounds.isEmpty()) {
            return "\nrun " + s.rec.runId() + " was not submitted; nothing runs. Run the pipeline again.";
        }
        if (s.refused) {
            return s.lastRound().jobIds().isEmpty()
                    ? "\nnothing of run " + s.rec.runId() + " was submitted; once that is resolved, pvrun fetch " + s.rec.runId()
                            + " submits it and collects the run (or run the pipeline again)"
                    : "\nthe jobs submitted before it (" + String.join(", ", s.lastRound().jobIds()) + ") go on; once that is"
                            + " resolved, pvrun fetch " + s.rec.runId() + " submits the rest and collects the run";
        }
        if (s.lastRound().jobIds().isEmpty() && s.tracker.mayHaveSubmitted()) {
            return "\nrun " + s.rec.runId() + " may or may not have been submitted; pvrun fetch " + s.rec.runId()
                    + " finds its job or submits it, then collects it";
        }
        return "\nrun " + s.rec.runId() + " is kept as it was, here and on the target, where its jobs go on; once this is "
                + "resolved, collect it with: pvrun fetch " + s.rec.runId();
    }

    /** A run's state for {@code pvrun status}; {@code pendingReason} is the scheduler's, null when it gives none. */
    public record StatusView(String runId, String pipeline, String target, String status, String runDir, int tasks,
            int pending, int waiting, int running, int done, int failed, int reused, String pendingReason,
            List<String> jobIds) {
        /** The counts in the progress line's words. */
        public org.pvrun.job.TaskCounts counts() {
            return new org.pvrun.job.TaskCounts(tasks, pending, waiting, running, done, failed, reused, pendingReason);
        }
    }

    static RunRecord readRecord(Path runDir) {
        try {
            return RunRecord.read(runDir);
        } catch (IOException e) {
            throw PvrunException.invalid(runDir + " is not a pvrun run directory (no readable " + RunRecord.FILE + ")");
        }
    }

    static int exitOf(String status) {
        return switch (TaskStatus.of(status)) {
            case SUCCEEDED -> ExitCode.OK;
            case CANCELLED -> cancelledExit();
            case FAILED -> ExitCode.TASK_FAILED;
        };
    }

    /**
     * A cancelled run's exit: 130 only in the process that was interrupted; a run cancelled earlier (by
     * {@code pvrun cancel} or another process's Ctrl-C) and collected now did not succeed: 1 (docs/cli.md).
     */
    static int cancelledExit() {
        return Interruption.interrupted() ? ExitCode.INTERRUPTED : ExitCode.TASK_FAILED;
    }

    // ------------------------------------------------------------------------------ decisions (pure)

    /** The spec's display when it says one, else the target's. */
    static Display display(PipelineSpec spec, Target target) {
        return spec.display() != Display.AUTO ? spec.display() : target.display();
    }

    /** How many jobs run at once: --jobs, else max_parallel, else cores / ranks locally or 8 on a cluster. */
    int slots(PipelineSpec spec, Target t) {
        if (eo.jobs() != null) {
            return eo.jobs();
        }
        if (spec.maxParallel() != null) {
            return spec.maxParallel();
        }
        return t.isLocalDirect() ? Packing.localSlots(spec.ranks()) : Packing.DEFAULT_CLUSTER_SLOTS;
    }

    /**
     * Resources of a job: the target's, the spec's over them; without {@code time}, a spec timeout gives
     * the wall time of a job of {@code tasksPerJob} tasks (plus a minute for ParaView to start).
     */
    static Map<String, String> resources(PipelineSpec spec, Target target, int tasksPerJob) {
        Map<String, String> r = new LinkedHashMap<>(target.resources());
        r.putAll(spec.resources());
        if (!r.containsKey("time") && spec.timeout() != null) {
            r.put("time", Durations.clock(spec.timeout().multipliedBy(tasksPerJob).plusMinutes(1)));
        }
        return r;
    }

    /** How long a local run's scratch folder is tried to be removed (a file still open in it). */
    static final Duration SCRATCH_PATIENCE = Duration.ofSeconds(3);

    StateDir state() {
        return state;
    }

    /** Work that records the run before pvrun exits, even on Ctrl-C: the shutdown waits until it is done. */
    interface RecordedWork {
        RunResult run() throws IOException, InterruptedException;
    }

    /** Runs {@code work} with the shutdown (Ctrl-C, SIGTERM) waiting for it to record the run. */
    static RunResult recorded(RecordedWork work) throws IOException, InterruptedException {
        CountDownLatch recorded = new CountDownLatch(1);
        try (AutoCloseable w = Interruption.awaitBeforeExit(recorded)) {
            return work.run();
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            recorded.countDown();
        }
    }

    /** The target's ParaView version as last asked (remembered in the state directory), or null: asks nothing. */
    String knownVersion(Target t) {
        if (!t.isRemote() && t.setup().isEmpty()) {
            return Preflight.knownLocalVersion(t.pvbatch(), state);
        }
        return VersionCache.get(state, VersionCache.key(t));
    }

    static List<String> launch(Target t, int ranks, String paraviewVersion, String remoteRun, String jobDir,
            Duration jobLimit) {
        List<String> argv = new ArrayList<>();
        if (jobLimit != null && !Schedulers.forName(t.scheduler()).enforcesWallTime()) {
            // no scheduler enforces a wall time: coreutils timeout does, then kills what is left
            argv.addAll(List.of("timeout", "--kill-after=30", jobLimit.toSeconds() + "s"));
        }
        argv.addAll(Pvbatch.launchCommand(t.launcher(), ranks, t.pvbatch(), paraviewVersion,
                remoteRun + "/runtime/" + PythonRuntime.DRIVER, jobDir));
        return argv;
    }

    static JobSpec jobSpec(PipelineSpec spec, Target t, String paraviewVersion, String remoteRun, String jobDir,
            int arraySize, int maxParallel, int tasksPerJob) {
        Map<String, String> env = new LinkedHashMap<>(t.env());
        env.put("PVRUN_RUN_DIR", remoteRun);
        Duration limit = spec.timeout() == null ? null : spec.timeout().multipliedBy(tasksPerJob).plusMinutes(1);
        JobSpec job = new JobSpec("pvrun-" + spec.name(), remoteRun, spec.ranks(), resources(spec, t, tasksPerJob), t.setup(),
                env, display(spec, t).id(), launch(t, spec.ranks(), paraviewVersion, remoteRun, jobDir, limit),
                Schedulers.forName(t.scheduler()).runsArrays() ? arraySize : 1, maxParallel, jobDir);
        // a split animation's tasks stop after a whole frame before the wall time, and their rest is submitted
        // again (docs/animations.md#wall-time)
        boolean signalled = spec.animation() != null && job.resources().containsKey("time")
                && Schedulers.forName(t.scheduler()).signalsBeforeWallTime();
        return signalled ? job.withStopSignal(spec.animation().stopBeforeEndSeconds()) : job;
    }

    /** The target settings that can change what a task renders: part of every task key. */
    static Map<String, Object> keySettings(Target t, Display display) {
        Map<String, Object> m = new TreeMap<>();
        m.put("pvbatch", t.isRemote() ? t.pvbatch() : "local");
        m.put("setup", t.setup());
        m.put("display", display.id());
        m.put("env", new TreeMap<>(t.env()));
        return m;
    }
}
