package org.pvrun.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.apache.commons.io.FileUtils;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.plan.Packing;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.plan.TaskKeys;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.results.Provenance;
import org.pvrun.results.ResumeCache;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.NoScheduler;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.Display;
import org.pvrun.spec.Durations;
import org.pvrun.spec.OutputGlobs;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalFiles;
import org.pvrun.transport.Transport;
import org.pvrun.transport.Transports;
import org.pvrun.util.Hashes;
import org.pvrun.util.Shell;

/**
 * The engine for every target, this machine included: stage → submit → monitor → collect
 * (docs/design.md). Tasks are packed into jobs (a Slurm or PBS array, or detached processes without a
 * scheduler), followed with one status query per poll, retried, and fetched verified. The run's state
 * lives in {@code run.json}, so {@link #follow} can pick up a run that another process started.
 */
public final class Engine {
    static final String CACHE = ".pvrun-cache/sha256";
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    /** Polls of a job gone from the queue without its exit file before it counts as ended. */
    private static final int GONE_POLLS = 3;

    /** How the user asked for the run. */
    public record Options(boolean acceptNewHostKey, boolean detach, boolean resume, Integer jobs) {
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
            new DryRun(o.out(), this).print(plan, t, notes.toString());
            return new RunResult(null, null, ExitCode.OK);
        }
        return onTarget(t, s -> s.start(plan));
    }

    /** Picks up a recorded run: waits for its jobs (submitting any not yet started), retries, fetches, reports. */
    public RunResult follow(Path runDir) {
        RunRecord rec = readRecord(runDir);
        if (Files.exists(runDir.resolve(ManifestIO.FILE))) {
            try {
                Manifest m = ManifestIO.read(runDir.resolve(ManifestIO.FILE));
                Reports.print(o, m, runDir);
                return new RunResult(m, runDir, exitOf(m.status()));
            } catch (IOException e) {
                throw PvrunException.environment("cannot read " + runDir.resolve(ManifestIO.FILE) + ": " + e.getMessage(), e);
            }
        }
        return onTarget(rec.target().toTarget(), s -> s.resume(rec, runDir));
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
                    if (tr.status().equals("succeeded")) {
                        done++;
                    } else {
                        failed++;
                    }
                    if (tr.reusedFrom() != null) {
                        reused++;
                    }
                }
                return new StatusView(rec.runId(), rec.pipeline(), rec.target().name(), m.status(), runDir.toString(),
                        m.tasks().size(), 0, 0, done, failed, reused, m.jobIds() == null ? List.of() : m.jobIds());
            } catch (IOException e) {
                throw PvrunException.environment("cannot read the manifest: " + e.getMessage(), e);
            }
        }
        return onTarget(rec.target().toTarget(), s -> s.look(rec, runDir));
    }

    /** Cancels a recorded run's jobs and records it as cancelled. */
    public void cancel(Path runDir) {
        RunRecord rec = readRecord(runDir);
        if (Files.exists(runDir.resolve(ManifestIO.FILE))) {
            throw PvrunException.invalid("run " + rec.runId() + " has finished; nothing to cancel");
        }
        onTarget(rec.target().toTarget(), s -> {
            s.rec = rec;
            s.localRun = runDir;
            s.cancelJobs(rec.roundsOrEmpty());
            RunRecord.write(runDir, rec.withState(RunRecord.CANCELLED));
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
        try (Transport tr = Transports.open(t, eo.acceptNewHostKey(), o.env(), o.err())) {
            s = new Session(tr, Schedulers.forName(t.scheduler()), t);
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
        if (s.liveRounds.get(s.liveRounds.size() - 1).jobIds().isEmpty() && !s.scheduler.name().equals("none")) {
            return "\nrun " + s.rec.runId() + " may or may not have been submitted; pvrun fetch " + s.rec.runId()
                    + " finds its job or submits it, then collects it";
        }
        return "\nrun " + s.rec.runId() + " is kept as it was, here and on the target, where its jobs go on; once this is "
                + "resolved, collect it with: pvrun fetch " + s.rec.runId();
    }

    /** A run's state for {@code pvrun status}. */
    public record StatusView(String runId, String pipeline, String target, String status, String runDir, int tasks,
            int pending, int running, int done, int failed, int reused, List<String> jobIds) {}

    static RunRecord readRecord(Path runDir) {
        try {
            return RunRecord.read(runDir);
        } catch (IOException e) {
            throw PvrunException.invalid(runDir + " is not a pvrun run directory (no readable " + RunRecord.FILE + ")");
        }
    }

    static int exitOf(String status) {
        return switch (status) {
            case "succeeded" -> ExitCode.OK;
            case "cancelled" -> ExitCode.INTERRUPTED;
            default -> ExitCode.TASK_FAILED;
        };
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
        return t.isRemote() || !t.scheduler().equals("none") ? Packing.DEFAULT_CLUSTER_SLOTS : Packing.localSlots(spec.ranks());
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

    /** How long a local run's scratch folder is tried to be removed while a job still ends in it. */
    static final Duration SCRATCH_PATIENCE = Duration.ofSeconds(3);

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
        if (jobLimit != null && t.scheduler().equals("none")) {
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
        return new JobSpec("pvrun-" + spec.name(), remoteRun, spec.ranks(), resources(spec, t, tasksPerJob), t.setup(),
                env, display(spec, t).id(), launch(t, spec.ranks(), paraviewVersion, remoteRun, jobDir, limit),
                t.scheduler().equals("none") ? 1 : arraySize, maxParallel, jobDir);
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

    // ----------------------------------------------------------------------------------- a session

    /** One connection to a target, and the run being worked on through it. */
    private final class Session {
        final Transport t;
        final Scheduler scheduler;
        final Target target;
        RunRecord rec;
        Path localRun;
        PipelineSpec spec;
        Instant started = Instant.now();
        final Map<Integer, Manifest.OutputRecord[]> reusedOutputs = new HashMap<>();
        final Map<Integer, List<Manifest.AttemptRecord>> attempts = new TreeMap<>();
        volatile List<RunRecord.Round> liveRounds = new ArrayList<>();
        volatile boolean detachNow;
        Map<Integer, Integer> lastTaskCodes = Map.of();

        Session(Transport t, Scheduler scheduler, Target target) {
            this.t = t;
            this.scheduler = scheduler;
            this.target = target;
        }

        boolean isLocalDir() {
            return !target.isRemote() && target.workdir() == null && scheduler.name().equals("none");
        }

        RunResult start(Plan plan) throws IOException, InterruptedException {
            spec = plan.spec();
            // git's answer (two processes) comes while the target is asked for its version
            Path specFile = spec.specFile();
            CompletableFuture<Provenance.Git> git = CompletableFuture.supplyAsync(() -> Provenance.git(specFile));
            // connect (host key, authentication) before anything is written, even when nothing else needs the
            // connection yet (a cached version)
            String workdir = isLocalDir() ? null : resolveWorkdir();
            String version = askVersion();
            trace("version");
            if (spec.paraview() != null && !spec.paraview().isSatisfiedBy(version)) {
                throw PvrunException.environment("pipeline " + spec.name() + " needs ParaView " + spec.paraview()
                        + " but target " + target.name() + " has ParaView " + version + " (" + target.pvbatch() + ")");
            }
            Path pipelineDir = o.resultsDir().resolve(spec.name()).toAbsolutePath().normalize();
            ResumeCache cache = eo.resume() ? ResumeCache.scan(pipelineDir) : null;
            localRun = RunIds.createRunDir(pipelineDir);
            trace("run dir");
            String runId = localRun.getFileName().toString();
            String remoteRun = isLocalDir() ? localRun.resolve(".work").toString() : workdir + "/" + spec.name() + "/" + runId;

            List<Manifest.InputRecord> inputs = inputRecords();
            Map<String, String> inputHashes = new TreeMap<>();
            inputs.forEach(i -> inputHashes.put(i.name(), i.sha256()));
            String scriptSha = Hashes.sha256(spec.script());
            Display display = display(spec, target);
            List<RunRecord.TaskEntry> entries = new ArrayList<>();
            int reused = 0;
            Files.createDirectories(localRun.resolve("tasks"));
            Files.createDirectories(localRun.resolve("logs"));
            for (Task task : plan.tasks()) {
                String key = TaskKeys.key(task, scriptSha, inputHashes, version, spec.ranks(), keySettings(target, display),
                        spec.outputs());
                String from = null;
                if (cache != null && cache.find(key) != null) {
                    ResumeCache.Hit hit = cache.find(key);
                    List<Manifest.OutputRecord> outs = ResumeCache.copy(hit, localRun, task.id());
                    if (outs != null) {
                        from = hit.reference();
                        reusedOutputs.put(task.index(), outs.toArray(Manifest.OutputRecord[]::new));
                        reused++;
                    }
                }
                entries.add(new RunRecord.TaskEntry(task.index(), task.params(), task.argv(), key, from));
            }
            RunRecord.SpecRecord sr = new RunRecord.SpecRecord(spec.specFile().getFileName().toString(), spec.specSha256(),
                    spec.script().getFileName().toString(), scriptSha,
                    spec.paraview() == null ? null : spec.paraview().toString(), spec.ranks(), display.id(),
                    spec.timeout() == null ? null : spec.timeout().toSeconds(), spec.retries(), spec.outputs(), inputs,
                    spec.reset(), spec.strict() ? Boolean.TRUE : null);
            rec = new RunRecord(1, runId, spec.name(), localRun.toString(), remoteRun, RunRecord.TargetRecord.of(target),
                    version, sr, entries, List.of(), RunRecord.RUNNING, started.toString(), eo.detach(),
                    git.join());
            Path pipelineCopy = Files.createDirectories(localRun.resolve("pipeline"));
            Files.copy(spec.specFile(), pipelineCopy.resolve(spec.specFile().getFileName()));
            Files.copy(spec.script(), pipelineCopy.resolve(spec.script().getFileName()));
            RunRecord.write(localRun, rec);
            state.add(new StateDir.Entry(runId, spec.name(), target.name(), localRun.toString(), started.toString()));
            if (reused > 0 && !o.quiet()) {
                o.out().printf("pvrun: --resume: %d of %d task%s reused from earlier runs%n", reused, entries.size(),
                        entries.size() == 1 ? "" : "s");
            }

            List<Integer> toRun = entries.stream().filter(e -> e.reusedFrom() == null).map(RunRecord.TaskEntry::index).toList();
            CountDownLatch recorded = new CountDownLatch(1);
            try (AutoCloseable w = Interruption.awaitBeforeExit(recorded);
                    AutoCloseable c = Interruption.onInterrupt(this::onInterrupt)) {
                if (!toRun.isEmpty()) {
                    stage(plan, workdir);
                    trace("staged");
                    newRound(toRun);
                    trace("submitted");
                }
                if (eo.detach()) {
                    if (!o.quiet()) {
                        o.out().println("pvrun: detached; run " + runId + " goes on. Follow it with: pvrun status "
                                + runId + "   collect it with: pvrun fetch " + runId);
                    }
                    detachNow = true;
                    return new RunResult(null, localRun, ExitCode.OK);
                }
                return followRounds();
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                recorded.countDown();
            }
        }

        RunResult resume(RunRecord r, Path runDir) throws IOException, InterruptedException {
            rec = r;
            localRun = runDir;
            started = Instant.parse(r.started());
            liveRounds = r.roundsOrEmpty();
            for (RunRecord.TaskEntry e : r.tasks()) {
                if (e.reusedFrom() != null) {
                    reusedOutputs.put(e.index(), reusedRecords(e).toArray(Manifest.OutputRecord[]::new));
                }
            }
            RunRecord.Round last = liveRounds.isEmpty() ? null : liveRounds.get(liveRounds.size() - 1);
            // every job had ended and nothing is left to retry: only the fetch had failed (a full disk, say)
            boolean collectNow = last != null && last.exitCodes() != null && (last.number() > r.spec().retries()
                    || last.exitCodes().values().stream().allMatch(c -> c != null && c == 0));
            rebuildAttempts(collectNow);
            if (liveRounds.isEmpty() && r.tasks().stream().anyMatch(e -> e.reusedFrom() == null)) {
                throw PvrunException.environment("run " + r.runId() + " was never submitted (its staging did not finish); "
                        + "nothing ran. Run the pipeline again.");
            }
            CountDownLatch recorded = new CountDownLatch(1);
            try (AutoCloseable w = Interruption.awaitBeforeExit(recorded);
                    AutoCloseable c = Interruption.onInterrupt(this::onInterrupt)) {
                if (collectNow) {
                    return collect();
                }
                adoptSubmission();
                return followRounds();
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                recorded.countDown();
            }
        }

        StatusView look(RunRecord r, Path runDir) throws IOException, InterruptedException {
            rec = r;
            localRun = runDir;
            liveRounds = r.roundsOrEmpty();
            Map<Integer, Integer> codes = readTaskStatuses();
            int reused = (int) r.tasks().stream().filter(e -> e.reusedFrom() != null).count();
            Set<Integer> running = new LinkedHashSet<>();
            RunRecord.Round last = liveRounds.isEmpty() ? null : liveRounds.get(liveRounds.size() - 1);
            if (last != null) {
                Map<Integer, String> ends = new HashMap<>();
                Map<Integer, JobState> states = elementStates(last, readJobFiles(last), ends);
                for (int i = 0; i < last.jobs().size(); i++) {
                    if (states.get(i) == JobState.RUNNING) {
                        running.addAll(last.jobs().get(i));
                    }
                }
            }
            int done = 0;
            int failed = 0;
            int run = 0;
            for (RunRecord.TaskEntry e : r.tasks()) {
                Integer c = codes.get(e.index());
                if (e.reusedFrom() != null || (c != null && c == 0)) {
                    done++;
                } else if (c != null) {
                    failed++;
                } else if (running.contains(e.index())) {
                    run++;
                }
            }
            int pending = r.tasks().size() - done - failed - run;
            List<String> ids = new ArrayList<>();
            liveRounds.forEach(rd -> ids.addAll(rd.jobIds()));
            boolean submitted = !liveRounds.isEmpty() || r.tasks().stream().allMatch(e -> e.reusedFrom() != null);
            String st = RunRecord.CANCELLED.equals(r.state()) ? "cancelled"
                    : !submitted ? "not submitted (its staging did not finish; run the pipeline again)"
                    : pending + run == 0 ? "finished (not yet fetched: pvrun fetch " + r.runId() + ")" : "running";
            return new StatusView(r.runId(), r.pipeline(), r.target().name(), st, runDir.toString(), r.tasks().size(),
                    pending, run, done, failed, reused, ids);
        }

        // -------------------------------------------------------------------------------- target facts

        String resolveWorkdir() throws IOException, InterruptedException {
            String w = target.workdir() != null ? target.workdir() : "~/pvrun";
            if (!w.startsWith("~/") && target.isRemote()) {
                check(t.exec(List.of("true"), COMMAND_TIMEOUT), "run a command");
            }
            if (w.startsWith("~/")) {
                ExecResult r = t.exec(List.of("sh", "-c", "printf '%s' \"$HOME\""), COMMAND_TIMEOUT);
                if (!r.ok() || !r.stdout().startsWith("/")) {
                    throw PvrunException.environment("cannot find the home directory on " + target.name() + ":\n" + r.evidence());
                }
                w = r.stdout().strip() + w.substring(1);
            }
            return w.endsWith("/") ? w.substring(0, w.length() - 1) : w;
        }

        /** {@code pvbatch --version} on the target, after its setup lines (module loads); cached locally. */
        String askVersion() throws IOException, InterruptedException {
            String known = knownVersion(target);
            if (known != null) {
                return known;
            }
            if (!target.isRemote() && target.setup().isEmpty()) {
                return Preflight.localVersion(target.pvbatch(), state);
            }
            ExecResult r = t.exec(Pvbatch.versionCommand(target.setup(), target.pvbatch()), COMMAND_TIMEOUT);
            String v = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
            if (v != null) {
                VersionCache.put(state, VersionCache.key(target), v);
            }
            if (v == null) {
                throw PvrunException.environment("cannot run pvbatch on target " + target.name()
                        + " (set 'pvbatch:' or the 'setup:' lines that load ParaView, e.g. module load paraview):\n" + r.evidence());
            }
            return v;
        }

        List<Manifest.InputRecord> inputRecords() throws IOException {
            List<Manifest.InputRecord> out = new ArrayList<>();
            for (PipelineSpec.InputFile in : spec.inputs()) {
                out.add(new Manifest.InputRecord(in.name(), in.source().toString(), Files.size(in.source()),
                        InputHashes.sha256(in.source(), state)));
            }
            return out;
        }

        // ----------------------------------------------------------------------------------- staging

        void stage(Plan plan, String workdir) throws IOException, InterruptedException {
            Path stage = Files.createDirectories(localRun.resolve(".stage"));
            List<String> files = new ArrayList<>();
            FileUtils.copyDirectory(localRun.resolve("pipeline").toFile(), stage.resolve("pipeline").toFile());
            PythonRuntime.extractTo(stage.resolve("runtime"));
            PythonRuntime.files().forEach(f -> files.add("runtime/" + f));
            files.add("pipeline/" + rec.spec().file());
            files.add("pipeline/" + rec.spec().script());
            List<String> dirs = new ArrayList<>(List.of(rec.remoteDir() + "/logs", rec.remoteDir() + "/status",
                    rec.remoteDir() + "/jobs"));
            for (Task task : plan.tasks()) {
                if (reusedOutputs.containsKey(task.index())) {
                    continue;
                }
                String rel = "tasks/" + task.id();
                Files.createDirectories(stage.resolve(rel));
                Files.write(stage.resolve(rel).resolve("params.json"), ManifestIO.JSON.writeValueAsBytes(task.params()));
                files.add(rel + "/params.json");
                dirs.add(rec.remoteDir() + "/" + rel);
            }
            if (!target.isRemote()) {
                t.mkdirs(rec.remoteDir(), 0700);
            } else {
                ExecResult mk = t.exec(List.of("mkdir", "-p", "-m", "700", rec.remoteDir()), COMMAND_TIMEOUT);
                if (!mk.ok()) {
                    throw PvrunException.environment("cannot create the run directory on " + target.name() + ":\n" + mk.evidence());
                }
            }
            mkdirs(dirs);
            t.uploadTree(stage, files, rec.remoteDir());
            inputLinks = stageInputs(workdir);
            FileUtils.deleteDirectory(stage.toFile());
            if (!o.quiet() && target.isRemote()) {
                o.out().printf("pvrun: staged %d files to %s:%s%n", files.size(), target.name(), rec.remoteDir());
            }
        }

        Map<String, String> inputLinks = new LinkedHashMap<>();

        void mkdirs(List<String> dirs) throws IOException, InterruptedException {
            if (!target.isRemote()) {
                for (String d : dirs) {
                    Files.createDirectories(Path.of(d));
                }
                return;
            }
            for (int i = 0; i < dirs.size(); i += 500) {
                List<String> argv = new ArrayList<>(List.of("mkdir", "-p", "--"));
                argv.addAll(dirs.subList(i, Math.min(dirs.size(), i + 500)));
                check(t.exec(argv, COMMAND_TIMEOUT), "create the task directories");
            }
        }

        /** Inputs go to a content-addressed cache on the target; those already there are not sent again. */
        Map<String, String> stageInputs(String workdir) throws IOException, InterruptedException {
            Map<String, String> links = new LinkedHashMap<>();
            if (spec.inputs().isEmpty()) {
                return links;
            }
            if (!target.isRemote()) {
                // this machine: the task directory links straight to the file
                spec.inputs().forEach(in -> links.put(in.name(), in.source().toString()));
                return links;
            }
            String cache = workdir + "/" + CACHE;
            Map<String, PipelineSpec.InputFile> byHash = new LinkedHashMap<>();
            for (Manifest.InputRecord in : rec.spec().inputs()) {
                byHash.putIfAbsent(in.sha256(), spec.inputs().stream().filter(f -> f.name().equals(in.name())).findFirst().orElseThrow());
                links.put(in.name(), cache + "/" + in.sha256());
            }
            StringBuilder probe = new StringBuilder("cd " + Shell.quote(cache) + " 2>/dev/null || exit 0; for h in");
            byHash.keySet().forEach(h -> probe.append(' ').append(h));
            probe.append("; do [ -f \"$h\" ] && echo \"$h\"; done; exit 0");
            ExecResult present = check(t.exec(List.of("sh", "-c", probe.toString()), COMMAND_TIMEOUT), "look for staged inputs");
            Set<String> there = new LinkedHashSet<>(present.stdout().lines().map(String::strip).toList());
            List<String> sent = new ArrayList<>();
            check(t.exec(List.of("mkdir", "-p", cache), COMMAND_TIMEOUT), "create the input cache");
            for (Map.Entry<String, PipelineSpec.InputFile> e : byHash.entrySet()) {
                if (!there.contains(e.getKey())) {
                    t.upload(e.getValue().source(), cache + "/" + e.getKey());
                    sent.add(e.getKey());
                }
            }
            if (!sent.isEmpty()) {
                List<String> argv = new ArrayList<>(List.of("sha256sum", "--"));
                sent.forEach(h -> argv.add(cache + "/" + h));
                Map<String, String> sums = RemoteFiles.parseSha256sum(check(t.exec(argv, Duration.ofMinutes(30)),
                        "verify the staged inputs").stdout());
                for (String h : sent) {
                    if (!h.equals(sums.get(cache + "/" + h))) {
                        t.exec(List.of("rm", "-f", "--", cache + "/" + h), COMMAND_TIMEOUT);
                        throw PvrunException.environment("input " + byHash.get(h).source() + " arrived corrupted on "
                                + target.name() + " (SHA-256 differs); nothing was submitted");
                    }
                }
            }
            if (!o.quiet()) {
                o.out().printf("pvrun: inputs: %d sent, %d already on %s%n", sent.size(), byHash.size() - sent.size(), target.name());
            }
            return links;
        }

        // ------------------------------------------------------------------------------------ rounds

        /** Packs tasks into the jobs of a new round, writes their job files and script, and submits them. */
        void newRound(List<Integer> taskIndices) throws IOException, InterruptedException {
            List<RunRecord.Round> rounds = new ArrayList<>(liveRounds);
            int number = rounds.size() + 1;
            Integer perJob = specTasksPerJob();
            List<List<Integer>> jobs = Packing.pack(taskIndices, perJob, slots(specOrRecord(), target));
            int maxPer = jobs.stream().mapToInt(List::size).max().orElse(1);
            String jobDir = rec.remoteDir() + "/jobs/r" + number;
            Path stage = Files.createDirectories(localRun.resolve(".stage/jobs/r" + number));
            List<String> files = new ArrayList<>();
            Map<Integer, RunRecord.TaskEntry> byIndex = new HashMap<>();
            rec.tasks().forEach(e -> byIndex.put(e.index(), e));
            for (int j = 0; j < jobs.size(); j++) {
                List<Map<String, Object>> jobTasks = new ArrayList<>();
                for (int idx : jobs.get(j)) {
                    RunRecord.TaskEntry e = byIndex.get(idx);
                    String id = Task.id(idx);
                    Map<String, Object> jt = new LinkedHashMap<>();
                    jt.put("index", idx);
                    jt.put("dir", rec.remoteDir() + "/tasks/" + id);
                    jt.put("script", rec.remoteDir() + "/pipeline/" + rec.spec().script());
                    jt.put("argv", e.argv());
                    jt.put("log", rec.remoteDir() + "/logs/" + id + ".log");
                    jt.put("status", rec.remoteDir() + "/status/" + id + ".exit");
                    jt.put("run_dir", rec.remoteDir());
                    jt.put("inputs", inputLinks);
                    jt.put("attempt", number);
                    if (rec.spec().timeoutSeconds() != null) {
                        jt.put("timeout", rec.spec().timeoutSeconds());
                    }
                    jobTasks.add(jt);
                }
                Files.write(stage.resolve("job-" + j + ".json"), ManifestIO.JSON.writeValueAsBytes(Map.of("tasks", jobTasks,
                        "reset", rec.spec().reset() == null ? "pipeline" : rec.spec().reset())));
                files.add("job-" + j + ".json");
            }
            int maxParallel = scheduler.name().equals("none") ? 0 : Math.min(jobs.size(), slots(specOrRecord(), target));
            JobSpec js = jobSpec(specOrRecord(), target, rec.paraviewVersion(), rec.remoteDir(), jobDir, jobs.size(),
                    maxParallel >= jobs.size() ? 0 : maxParallel, maxPer);
            Files.writeString(stage.resolve("job.sh"), scheduler.renderJobScript(js));
            files.add("job.sh");
            mkdirs(List.of(jobDir));
            if (number > 1) {
                // a retried task starts from a clean slate: no verdict from its last attempt
                List<String> rm = new ArrayList<>(List.of("rm", "-f", "--"));
                taskIndices.forEach(i -> rm.add(rec.remoteDir() + "/status/" + Task.id(i) + ".exit"));
                taskIndices.forEach(i -> rm.add(rec.remoteDir() + "/status/" + Task.id(i) + ".started"));
                check(t.exec(rm, COMMAND_TIMEOUT), "reset the retried tasks");
            }
            t.uploadTree(stage, files, jobDir);
            FileUtils.deleteDirectory(localRun.resolve(".stage").toFile());
            RunRecord.Round round = new RunRecord.Round(number, jobDir, jobs, new ArrayList<>(), null, null);
            rounds.add(round);
            liveRounds = rounds;
            if (!scheduler.name().equals("none")) {
                saveRounds(); // recorded as being submitted: a lost answer is looked for later (adoptSubmission)
                String id = submit(jobDir + "/job.sh");
                round.jobIds().add(id);
                if (!o.quiet()) {
                    o.out().printf("pvrun: submitted %s job %s on %s (%d task%s in %d job%s)%n", scheduler.name(), id,
                            target.name(), taskIndices.size(), taskIndices.size() == 1 ? "" : "s", jobs.size(),
                            jobs.size() == 1 ? "" : "s");
                }
            } else if (!o.quiet() && target.isRemote()) {
                o.out().printf("pvrun: %d task%s in %d job%s on %s%n", taskIndices.size(), taskIndices.size() == 1 ? "" : "s",
                        jobs.size(), jobs.size() == 1 ? "" : "s", target.name());
            }
            saveRounds();
            if (scheduler.name().equals("none")) {
                startPendingElements(round, readJobFiles(round));
            }
        }

        /** Submits a job script; sbatch and qsub are never repeated after a dropped connection (Transport.execOnce). */
        String submit(String script) throws IOException, InterruptedException {
            ExecResult r = t.execOnce(scheduler.submitCommand(script), COMMAND_TIMEOUT);
            if (!r.ok()) {
                throw PvrunException.environment("the " + scheduler.name() + " submission failed on " + target.name()
                        + ":\n" + r.evidence());
            }
            try {
                return scheduler.parseJobId(r.stdout());
            } catch (IllegalArgumentException e) {
                throw PvrunException.environment("cannot read the job id: " + e.getMessage() + "\n" + r.evidence());
            }
        }

        /**
         * The last round was recorded as being submitted but has no job id (the runner lost the submission's answer,
         * or stopped in between): the job is found by its script in the queue; a job the queue does not know but
         * whose files show it ran is followed by those files; otherwise the round is submitted now.
         */
        void adoptSubmission() throws IOException, InterruptedException {
            if (liveRounds.isEmpty() || scheduler.name().equals("none")) {
                return;
            }
            RunRecord.Round round = liveRounds.get(liveRounds.size() - 1);
            if (!round.jobIds().isEmpty() || round.exitCodes() != null) {
                return;
            }
            String script = round.jobDir() + "/job.sh";
            String id = null;
            if (scheduler.jobScriptsCommand() != null) {
                id = scheduler.parseJobScripts(check(t.exec(scheduler.jobScriptsCommand(), COMMAND_TIMEOUT),
                        "list the jobs").stdout(), script);
            }
            if (id == null && t.exec(List.of("sh", "-c", "ls \"$1\"/job-*.nodes", "sh", round.jobDir()), COMMAND_TIMEOUT).ok()) {
                id = "unknown"; // it ran and the queue forgot it: its exit and verdict files tell the rest
            }
            if (id == null) {
                id = submit(script);
            }
            if (!o.quiet()) {
                o.out().printf("pvrun: round %d %s %s job %s%n", round.number(), id.equals("unknown") ? "ran as an unrecorded"
                        : "is", scheduler.name(), id);
            }
            List<RunRecord.Round> rounds = new ArrayList<>(liveRounds);
            rounds.set(rounds.size() - 1, new RunRecord.Round(round.number(), round.jobDir(), round.jobs(),
                    new ArrayList<>(List.of(id)), null, null));
            liveRounds = rounds;
            saveRounds();
        }

        PipelineSpec specOrRecord() {
            if (spec != null) {
                return spec;
            }
            // picked up from run.json: enough of a spec for job scripts
            return new PipelineSpec(localRun.resolve("pipeline").resolve(rec.spec().file()), rec.spec().sha256(),
                    rec.pipeline(), null, localRun.resolve("pipeline").resolve(rec.spec().script()), null, Map.of(),
                    List.of(), rec.spec().ranks(), List.of(), rec.spec().outputs(), rec.target().name(), null,
                    rec.spec().timeoutSeconds() == null ? null : Duration.ofSeconds(rec.spec().timeoutSeconds()),
                    Display.parse(rec.spec().display()), Map.of(), List.of(Map.of()), null, null, rec.spec().retries(),
                    rec.spec().reset(), null, false, Boolean.TRUE.equals(rec.spec().strict()));
        }

        Integer specTasksPerJob() {
            return spec != null ? spec.tasksPerJob() : null;
        }

        void saveRounds() throws IOException {
            rec = rec.withRounds(liveRounds);
            RunRecord.write(localRun, rec);
        }

        /** Without a scheduler: starts jobs not yet started, as many as the slots allow. */
        void startPendingElements(RunRecord.Round round, JobFiles files) throws IOException, InterruptedException {
            int limit = slots(specOrRecord(), target);
            int running = 0;
            for (int i = 0; i < round.jobIds().size(); i++) {
                if (!files.exits.containsKey(i) && files.alive.contains(i)) {
                    running++;
                }
            }
            NoScheduler none = (NoScheduler) scheduler;
            boolean changed = false;
            while (round.jobIds().size() < round.jobs().size() && running < limit && !Interruption.interrupted()) {
                int i = round.jobIds().size();
                ExecResult r = t.execOnce(none.submitElementCommand(round.jobDir() + "/job.sh", i), COMMAND_TIMEOUT);
                if (!r.ok()) {
                    throw PvrunException.environment("cannot start job " + i + " on " + target.name() + ":\n" + r.evidence());
                }
                round.jobIds().add(none.parseJobId(r.stdout()));
                files.alive.add(i);
                running++;
                changed = true;
            }
            if (changed) {
                saveRounds();
            }
        }

        /** Follows the last round to its end, starts retry rounds while attempts are left, then collects. */
        RunResult followRounds() throws IOException, InterruptedException {
            Progress progress = new Progress(o.out(), System.console() != null && o.out() == System.out, o.quiet());
            while (!liveRounds.isEmpty()) {
                RunRecord.Round round = liveRounds.get(liveRounds.size() - 1);
                Map<Integer, String> ends = monitor(round, progress);
                if (Interruption.interrupted() || RunRecord.CANCELLED.equals(rec.state())) {
                    break;
                }
                // the verdicts the last poll read: the round ended on them; read once more if some are missing (a
                // job the scheduler saw end may have written a verdict after that poll read the files)
                Map<Integer, Integer> codes = lastTaskCodes;
                if (!codes.keySet().containsAll(round.jobs().stream().flatMap(List::stream).toList())) {
                    codes = readJobFiles(round).taskCodes;
                }
                List<Integer> failed = new ArrayList<>();
                Map<String, Integer> roundCodes = new TreeMap<>();
                Map<String, String> jobEnds = new TreeMap<>();
                for (int j = 0; j < round.jobs().size(); j++) {
                    String elem = elementName(round, j);
                    jobEnds.put(Integer.toString(j), ends.getOrDefault(j, "ended"));
                    for (int idx : round.jobs().get(j)) {
                        Integer c = codes.get(idx);
                        roundCodes.put(Task.id(idx), c);
                        attempts.computeIfAbsent(idx, k -> new ArrayList<>()).add(new Manifest.AttemptRecord(round.number(),
                                elem, c, c == null ? JobEnds.reason(elem, ends.getOrDefault(j, "ended")) : c == 0 ? null : reasonFor(c)));
                        if (c == null || c != 0) {
                            failed.add(idx);
                        }
                    }
                }
                List<RunRecord.Round> rounds = new ArrayList<>(liveRounds);
                rounds.set(rounds.size() - 1, new RunRecord.Round(round.number(), round.jobDir(), round.jobs(),
                        round.jobIds(), roundCodes, jobEnds));
                liveRounds = rounds;
                saveRounds();
                if (failed.isEmpty() || round.number() > rec.spec().retries()) {
                    break;
                }
                progress.end();
                if (!o.quiet()) {
                    o.out().printf("pvrun: retrying %d failed task%s (attempt %d of %d)%n", failed.size(),
                            failed.size() == 1 ? "" : "s", round.number() + 1, rec.spec().retries() + 1);
                }
                newRound(failed);
            }
            progress.end();
            return collect();
        }

        String reasonFor(int code) {
            if (code == 124 && rec.spec().timeoutSeconds() != null) {
                return "timed out after " + Durations.human(Duration.ofSeconds(rec.spec().timeoutSeconds()));
            }
            return "script exited with status " + code;
        }

        String elementName(RunRecord.Round round, int j) {
            if (round.jobIds().isEmpty()) {
                return "(not started)";
            }
            if (scheduler.name().equals("none")) {
                return j < round.jobIds().size() ? round.jobIds().get(j) : "(not started)";
            }
            return scheduler.elementId(round.jobIds().get(0), j, round.jobs().size());
        }

        /** Polls a round until every job has ended; returns how each ended (job index → description). */
        Map<Integer, String> monitor(RunRecord.Round round, Progress progress) throws IOException, InterruptedException {
            Transport.Watch watch;
            try {
                watch = t.watch(List.of(rec.remoteDir() + "/status", round.jobDir()));
            } catch (IOException e) {
                watch = null; // no inotify to spare (fs.inotify.max_user_instances): poll instead
            }
            try (Transport.Watch news = watch) {
                return monitor(round, progress, news);
            }
        }

        private Map<Integer, String> monitor(RunRecord.Round round, Progress progress, Transport.Watch news)
                throws IOException, InterruptedException {
            Map<Integer, String> ends = new HashMap<>();
            Map<Integer, Integer> gone = new HashMap<>();
            Map<Integer, JobState> last = new HashMap<>();
            int total = rec.tasks().size();
            int reused = reusedOutputs.size();
            // A local target is watched, so a verdict is seen as soon as it is written. A remote one has its files
            // read more often while the round is young (an eighth of its age, at least 0.25 s, at most the poll
            // interval), so a short job is not followed by most of a poll interval of waiting. Either way the
            // scheduler is asked at most once per poll interval, however many jobs and however much news.
            long began = System.nanoTime();
            long nextQuery = began;
            Map<Integer, JobState> states = Map.of();
            while (!Interruption.interrupted() && !detachNow) {
                JobFiles files = readJobFiles(round);
                lastTaskCodes = files.taskCodes;
                trace("poll");
                // once per poll interval: the scheduler's answer (or, without one, which job processes are alive)
                // is taken and a job missing from it counted towards GONE_POLLS; polls woken early between these
                // only look for exit files and verdicts (a job just started has no pid file for a moment)
                boolean queried = System.nanoTime() - nextQuery >= 0;
                if (queried) {
                    states = elementStates(round, files, ends);
                    nextQuery = System.nanoTime() + target.poll().toNanos();
                    if (endedUnseen(states, files, ends)) {
                        // a job writes its exit file before it ends, but the files were read before the query that
                        // saw it end: read them again, so that its own exit status is its verdict
                        files = readJobFiles(round);
                        lastTaskCodes = files.taskCodes;
                    }
                }
                for (int j = 0; j < round.jobs().size(); j++) {
                    if (ends.containsKey(j)) {
                        continue;
                    }
                    JobState s = states.get(j);
                    if (files.exits.containsKey(j)) {
                        ends.put(j, "exit " + files.exits.get(j));
                    } else if (files.taskCodes.keySet().containsAll(round.jobs().get(j))) {
                        // every task has its verdict (written after its outputs): the job has nothing left to
                        // make, so there is no need to wait for pvbatch to tear down (about a second)
                        ends.put(j, "done");
                    } else if (!queried) {
                        continue; // judged at the next status query or liveness check
                    } else if (s == null && states.containsKey(-1)) {
                        continue; // the status query failed this round: no news is not an answer
                    } else if (s != null && s.isTerminal() && s != JobState.COMPLETED) {
                        ends.put(j, s.name().toLowerCase());
                    } else if (s == null || s == JobState.UNKNOWN || s == JobState.COMPLETED) {
                        if (scheduler.name().equals("none") && j >= round.jobIds().size()) {
                            continue; // not started yet
                        }
                        if (gone.merge(j, 1, Integer::sum) >= GONE_POLLS) {
                            JobState past = s == null && !scheduler.name().equals("none") ? history(round) : s;
                            ends.put(j, "ended without writing its exit status ("
                                    + (past != null && past != JobState.UNKNOWN ? "scheduler state " + past.name().toLowerCase()
                                    : "killed, out of time or a node failure") + ")");
                        }
                    }
                    if (s != null) {
                        last.put(j, s);
                    }
                }
                Map<Integer, Integer> codes = files.taskCodes;
                int done = 0;
                int failed = 0;
                int running = 0;
                for (int j = 0; j < round.jobs().size(); j++) {
                    for (int idx : round.jobs().get(j)) {
                        Integer c = codes.get(idx);
                        if (c != null) {
                            if (c == 0) {
                                done++;
                            } else {
                                failed++;
                            }
                        } else if (!ends.containsKey(j) && last.get(j) == JobState.RUNNING) {
                            running++;
                        }
                    }
                }
                int earlierDone = total - reused - round.jobs().stream().mapToInt(List::size).sum();
                progress.update(total, total - reused - earlierDone - done - failed - running, running,
                        done + earlierDone + reused, failed, reused);
                if (ends.size() == round.jobs().size()) {
                    return ends;
                }
                if (scheduler.name().equals("none")) {
                    startPendingElements(round, files);
                }
                long young = Math.max(250, (System.nanoTime() - began) / 8_000_000);
                sleep(news != null ? target.poll() : Duration.ofMillis(Math.min(target.poll().toMillis(), young)), news);
            }
            return ends;
        }

        /** Whether the scheduler says a job failed that the files read before its answer show no exit for. */
        boolean endedUnseen(Map<Integer, JobState> states, JobFiles files, Map<Integer, String> ends) {
            for (Map.Entry<Integer, JobState> e : states.entrySet()) {
                JobState s = e.getValue();
                if (e.getKey() >= 0 && !ends.containsKey(e.getKey()) && !files.exits.containsKey(e.getKey())
                        && s != null && s.isTerminal() && s != JobState.COMPLETED) {
                    return true;
                }
            }
            return false;
        }

        /** The state of each job of a round; key -1 marks a failed status query. */
        Map<Integer, JobState> elementStates(RunRecord.Round round, JobFiles files, Map<Integer, String> ends)
                throws IOException, InterruptedException {
            Map<Integer, JobState> out = new HashMap<>();
            if (scheduler.name().equals("none")) {
                for (int j = 0; j < round.jobIds().size(); j++) {
                    out.put(j, files.alive.contains(j) ? JobState.RUNNING : JobState.UNKNOWN);
                }
                return out;
            }
            if (round.jobIds().isEmpty()) {
                return out;
            }
            ExecResult r = t.exec(scheduler.statusCommand(round.jobIds()), COMMAND_TIMEOUT);
            trace("status query");
            if (!r.ok() && r.stdout().isBlank()) {
                if (o.verbose()) {
                    o.err().println("pvrun: status query failed; judging by the exit files this round:\n" + r.evidence());
                }
                out.put(-1, JobState.UNKNOWN);
                return out;
            }
            Map<String, JobState> states = scheduler.parseStatus(r.stdout());
            String id = round.jobIds().get(0);
            for (int j = 0; j < round.jobs().size(); j++) {
                JobState s = states.get(scheduler.elementId(id, j, round.jobs().size()));
                if (s != null) {
                    out.put(j, s);
                }
            }
            return out;
        }

        /** What the scheduler's accounting remembers of a job the queue forgot, or null (no accounting). */
        JobState history(RunRecord.Round round) throws IOException, InterruptedException {
            List<String> cmd = scheduler.historyCommand(round.jobIds());
            if (cmd == null) {
                return null;
            }
            ExecResult r = t.exec(cmd, COMMAND_TIMEOUT);
            if (!r.ok()) {
                return null; // accounting disabled (sacct: "Slurm accounting storage is disabled")
            }
            var rec0 = scheduler.parseHistory(r.stdout()).get(round.jobIds().get(0));
            return rec0 == null ? null : rec0.state();
        }

        /** Exit files of a round's jobs, which jobs are alive (no scheduler), and the task verdicts so far. */
        final class JobFiles {
            final Map<Integer, String> exits = new HashMap<>();
            final Set<Integer> alive = new LinkedHashSet<>();
            final Map<Integer, Integer> taskCodes = new HashMap<>();
        }

        /**
         * One command per poll reads every exit file of the round and every task verdict. It forks nothing but
         * the shell itself (read, printf, kill and [ are built in): a poll runs several times a second beside
         * the renders on a local target, and a command substitution per file made each poll cost tens of
         * milliseconds of the renders' CPU by the end of a large sweep.
         */
        JobFiles readJobFiles(RunRecord.Round round) throws IOException, InterruptedException {
            String read = "[ -f \"$f\" ] && { read -r c || [ -n \"$c\" ]; } <\"$f\" && ";
            // The jobs' files first, then the verdicts: a job writes its exit file after every verdict of its
            // tasks, so a job seen ended here is seen with all of them (read the other way round, a poll woken
            // by a verdict could see a job's exit without the verdicts written just before it).
            StringBuilder sh = new StringBuilder("[ -d \"$1\" ] || exit 1; if cd \"$2\" 2>/dev/null; then ")
                    .append("for f in job-*.exit; do c=; ").append(read).append("printf 'J %s %s\\n' \"$f\" \"$c\"; done; ");
            if (scheduler.name().equals("none")) {
                sh.append("for f in job-*.pid; do c=; ").append(read)
                        .append("kill -0 \"$c\" 2>/dev/null && printf 'A %s\\n' \"$f\"; done; ");
            }
            sh.append("fi; cd \"$1\" || exit 1; ")
                    .append("for f in status/*.exit; do c=; ").append(read).append("printf 'T %s %s\\n' \"$f\" \"$c\"; done; ")
                    .append("exit 0");
            ExecResult r = check(t.exec(List.of("sh", "-c", sh.toString(), "sh", rec.remoteDir(), round.jobDir()),
                    COMMAND_TIMEOUT), "read the exit files");
            JobFiles f = new JobFiles();
            for (String line : r.stdout().lines().toList()) {
                String[] p = line.strip().split(" ", 3);
                try {
                    switch (p[0]) {
                        case "T" -> f.taskCodes.put(Integer.parseInt(p[1].substring(7, p[1].length() - 5)), Integer.parseInt(p[2].strip()));
                        case "J" -> f.exits.put(Integer.parseInt(p[1].substring(4, p[1].length() - 5)), p.length > 2 ? p[2].strip() : "");
                        case "A" -> f.alive.add(Integer.parseInt(p[1].substring(4, p[1].length() - 4)));
                        default -> { }
                    }
                } catch (RuntimeException malformed) {
                    // a file being written right now: read it next poll
                }
            }
            return f;
        }

        Map<Integer, Integer> readTaskStatuses() throws IOException, InterruptedException {
            if (liveRounds.isEmpty()) {
                return Map.of();
            }
            return readJobFiles(liveRounds.get(liveRounds.size() - 1)).taskCodes;
        }

        /** Sleeps for {@code d}, or less when {@code news} (if any) says a file appeared. */
        void sleep(Duration d, Transport.Watch news) throws InterruptedException {
            long end = System.nanoTime() + d.toNanos();
            while (!Interruption.interrupted() && !detachNow && System.nanoTime() < end) {
                long slice = Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000));
                if (news == null) {
                    Thread.sleep(slice);
                } else if (news.await(slice)) {
                    return;
                }
            }
        }

        // ------------------------------------------------------------------------------ cancellation

        void onInterrupt() {
            if (eo.detach() || detachNow) {
                return;
            }
            try {
                cancelJobs(liveRounds);
            } catch (IOException | InterruptedException | RuntimeException e) {
                o.err().println("pvrun: interrupted; could not cancel the jobs: " + e.getMessage());
            }
        }

        /** Cancels the jobs of the last round; without a scheduler, waits until their processes are gone. */
        void cancelJobs(List<RunRecord.Round> rounds) throws IOException, InterruptedException {
            if (rounds.isEmpty()) {
                return;
            }
            RunRecord.Round round = rounds.get(rounds.size() - 1);
            List<String> ids = new ArrayList<>(round.jobIds());
            if (ids.isEmpty()) {
                return;
            }
            ExecResult r = t.exec(scheduler.cancelCommand(ids), Duration.ofSeconds(20));
            if (scheduler.name().equals("none")) {
                waitGone(ids);
            }
            o.err().println("pvrun: cancelled job" + (ids.size() == 1 ? " " : "s ") + String.join(" ", ids)
                    + (r.ok() ? "" : " (the cancel command said: " + r.stderr().strip() + ")"));
        }

        /** Waits (bounded) until the jobs' sessions have no process left, then kills what is left. */
        void waitGone(List<String> pids) throws IOException, InterruptedException {
            for (int i = 0; i < 100; i++) {
                ExecResult r = t.exec(List.of("sh", "-c", NoScheduler.aliveSessions(pids)), COMMAND_TIMEOUT);
                List<String> alive = r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
                if (alive.isEmpty()) {
                    return;
                }
                if (i == 50) {
                    t.exec(List.of("sh", "-c", NoScheduler.signalAll(alive, "KILL")), COMMAND_TIMEOUT);
                }
                Thread.sleep(100);
            }
        }

        // -------------------------------------------------------------------------------- collection

        RunResult collect() throws IOException, InterruptedException {
            trace("collect");
            boolean cancelled = Interruption.interrupted() || RunRecord.CANCELLED.equals(rec.state());
            boolean detachedStop = detachNow;
            Map<Integer, RunRecord.TaskEntry> entries = new TreeMap<>();
            rec.tasks().forEach(e -> entries.put(e.index(), e));
            List<Task> ran = new ArrayList<>();
            for (RunRecord.TaskEntry e : entries.values()) {
                if (e.reusedFrom() == null) {
                    ran.add(new Task(e.index(), e.params(), e.argv(), Map.of()));
                }
            }
            Fetch fetch = new Fetch(t, rec.remoteDir(), localRun, isLocalDir() || (!target.isRemote()
                    && rec.remoteDir().startsWith(localRun.toString())));
            Map<Integer, Integer> codes = new HashMap<>();
            List<String> nodes = new ArrayList<>();
            if (!cancelled && !ran.isEmpty()) {
                // the script's copy and the input links the driver made in each task folder (docs/runtime.md)
                Set<String> own = new LinkedHashSet<>(List.of(rec.spec().script()));
                rec.spec().inputs().forEach(i -> own.add(i.name()));
                fetch.run(ran, new OutputGlobs(rec.spec().outputs()), own);
                for (String link : fetch.skippedLinks()) {
                    o.err().println("pvrun: not fetched: " + link + " is a symbolic link (links are never results)");
                }
                nodes.addAll(new LinkedHashSet<>(fetch.nodes()));
                for (Task task : ran) {
                    if (fetch.exitCode(task) != null) {
                        codes.put(task.index(), fetch.exitCode(task));
                    }
                }
            }
            List<Manifest.TaskRecord> tasks = new ArrayList<>();
            for (RunRecord.TaskEntry e : entries.values()) {
                String log = "logs/" + Task.id(e.index()) + ".log";
                List<String> seen = Task.seenArgv(rec.spec().script(), e.argv()); // the manifest's argv: sys.argv
                if (e.reusedFrom() != null) {
                    tasks.add(new Manifest.TaskRecord(e.index(), e.params(), seen, "succeeded", 0, null, log, e.key(),
                            e.reusedFrom(), null, List.of(reusedOutputs.get(e.index()))));
                    continue;
                }
                Task task = new Task(e.index(), e.params(), e.argv(), Map.of());
                List<Manifest.AttemptRecord> att = attempts.getOrDefault(e.index(), List.of());
                Integer code = codes.get(e.index());
                String status;
                String reason = null;
                if (cancelled) {
                    status = "cancelled";
                    reason = "interrupted; job cancelled";
                } else if (code != null && code == 0) {
                    status = "succeeded";
                } else {
                    status = "failed";
                    Manifest.AttemptRecord lastAttempt = att.isEmpty() ? null : att.get(att.size() - 1);
                    reason = lastAttempt != null && lastAttempt.reason() != null ? lastAttempt.reason()
                            : code != null ? reasonFor(code) : "no verdict from the job";
                    if (code == null && !fetch.started(task)) {
                        reason = JobEnds.notRun(reason);
                    }
                }
                List<Manifest.OutputRecord> outs = cancelled ? List.of() : new ArrayList<>(fetch.outputs(task));
                List<String> outside = cancelled ? List.of() : fetch.outside(task);
                outside.forEach(p -> o.err().println("pvrun: warning: " + OutsideWrites.warning(e.index(), p)));
                if (status.equals("succeeded") && !outside.isEmpty() && Boolean.TRUE.equals(rec.spec().strict())) {
                    status = "failed";
                    reason = OutsideWrites.reason(outside);
                }
                if (status.equals("succeeded") && outs.isEmpty() && rec.spec().outputs() != null
                        && !rec.spec().outputs().isEmpty()) {
                    // the spec named its outputs: a task that made none of them did not do its job
                    status = "failed";
                    reason = "wrote no outputs matching " + String.join(", ", rec.spec().outputs());
                }
                tasks.add(new Manifest.TaskRecord(e.index(), e.params(), seen, status, code, reason, log, e.key(), null,
                        att.isEmpty() ? null : List.copyOf(att), outs));
            }
            boolean allOk = tasks.stream().allMatch(x -> x.status().equals("succeeded"));
            String status = cancelled ? "cancelled" : allOk ? "succeeded" : "failed";
            Instant finished = Instant.now();
            List<String> jobIds = new ArrayList<>();
            liveRounds.forEach(r -> jobIds.addAll(r.jobIds()));
            RunRecord.SpecRecord sr = rec.spec();
            Manifest m = new Manifest(1, rec.pipeline(), rec.runId(), status, target.name(), scheduler.name(), t.describe(),
                    rec.paraviewVersion(), sr.paraviewConstraint(), "pipeline/" + sr.file(), sr.sha256(),
                    "pipeline/" + sr.script(), sr.scriptSha256(), sr.inputs(), sr.ranks(), sr.display(),
                    launch(target, sr.ranks(), rec.paraviewVersion(), rec.remoteDir(), rec.remoteDir() + "/jobs/r1", null),
                    Hosts.hostName(),
                    Versions.pvrun(), started.toString(), finished.toString(),
                    Duration.between(started, finished).toMillis() / 1000.0, jobIds, nodes,
                    target.isRemote() ? rec.remoteDir() : null, target.setup().isEmpty() ? null : target.setup(), rec.git(),
                    tasks);
            // pvrun collects at the last verdict: a job may still be ending in the scratch folder
            if (isLocalDir() && !cancelled && !LocalFiles.deleteTree(Path.of(rec.remoteDir()), SCRATCH_PATIENCE)) {
                o.err().println("pvrun: note: the scratch folder " + rec.remoteDir() + " could not be removed (a job of"
                        + " this run is still writing there); the results are complete");
            }
            rec = rec.withState(cancelled ? RunRecord.CANCELLED : RunRecord.FINISHED);
            RunRecord.write(localRun, rec);
            if (!detachedStop) {
                ManifestIO.write(localRun, m);
            }
            trace("manifest");
            Reports.print(o, m, localRun);
            return new RunResult(m, localRun, cancelled ? ExitCode.INTERRUPTED : allOk ? ExitCode.OK : ExitCode.TASK_FAILED);
        }

        List<Manifest.OutputRecord> reusedRecords(RunRecord.TaskEntry e) throws IOException {
            List<Manifest.OutputRecord> out = new ArrayList<>();
            Path dir = localRun.resolve("tasks").resolve(Task.id(e.index()));
            if (Files.isDirectory(dir)) {
                try (var s = Files.walk(dir)) {
                    for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                        out.add(new Manifest.OutputRecord(localRun.relativize(f).toString(), Files.size(f), Hashes.sha256(f)));
                    }
                }
            }
            return out;
        }

        /**
         * The attempts of the recorded rounds; of the last one only with {@code includeLast} (else followRounds
         * records it when it has read it again).
         */
        void rebuildAttempts(boolean includeLast) {
            for (RunRecord.Round round : liveRounds.subList(0, Math.max(0, liveRounds.size() - (includeLast ? 0 : 1)))) {
                if (round.exitCodes() == null) {
                    continue;
                }
                for (int j = 0; j < round.jobs().size(); j++) {
                    for (int idx : round.jobs().get(j)) {
                        Integer c = round.exitCodes().get(Task.id(idx));
                        String end = round.jobEnds() == null ? "ended" : round.jobEnds().getOrDefault(Integer.toString(j), "ended");
                        attempts.computeIfAbsent(idx, k -> new ArrayList<>()).add(new Manifest.AttemptRecord(round.number(),
                                elementName(round, j), c, c == null ? JobEnds.reason(elementName(round, j), end)
                                : c == 0 ? null : reasonFor(c)));
                    }
                }
            }
        }

        ExecResult check(ExecResult r, String what) {
            if (!r.ok()) {
                throw PvrunException.environment("cannot " + what + " on " + target.name() + ":\n" + r.evidence());
            }
            return r;
        }
    }
}
