package org.pvrun.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.apache.commons.io.FileUtils;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.Display;
import org.pvrun.spec.Durations;
import org.pvrun.spec.OutputGlobs;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;
import org.pvrun.transport.Transports;
import org.pvrun.util.Hashes;
import org.pvrun.util.Shell;

/**
 * Runs a plan on a target through its transport and scheduler: stage → submit → monitor → collect.
 * Works for SSH + Slurm/PBS/none and for this machine + Slurm/PBS; the plain local case is
 * {@link LocalRunner}. The run directory on the target is {@code <workdir>/<name>/<run-id>/}
 * (docs/targets.md); the local results layout is the same as for local runs.
 */
public final class BatchRunner {
    static final String CACHE = ".pvrun-cache/sha256";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final RunOptions o;
    private final Target target;
    private final boolean acceptNewHostKey;
    private final boolean detach;

    public BatchRunner(RunOptions options, Target target, boolean acceptNewHostKey, boolean detach) {
        this.o = options;
        this.target = target;
        this.acceptNewHostKey = acceptNewHostKey;
        this.detach = detach;
    }

    public RunResult run(Plan plan) {
        Scheduler scheduler = Schedulers.forName(target.scheduler());
        PipelineSpec spec = plan.spec();
        if (o.dryRun()) {
            String workdir = target.workdir() != null ? target.workdir() : "~/pvrun";
            printDryRun(plan, scheduler, workdir + "/" + spec.name() + "/RUN-ID");
            return new RunResult(null, null, ExitCode.OK);
        }
        try (Transport t = Transports.open(target, acceptNewHostKey, o.env())) {
            return new Execution(plan, scheduler, t).run();
        } catch (IOException e) {
            throw PvrunException.environment("on target " + target.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PvrunException(ExitCode.INTERRUPTED, "interrupted");
        }
    }

    /** One run in progress: the state shared by its stages. */
    private final class Execution {
        final Plan plan;
        final PipelineSpec spec;
        final Scheduler scheduler;
        final Transport t;
        final Instant started = Instant.now();
        Path localRun;
        String runId;
        String remoteRun;
        String paraviewVersion;
        final List<String> jobIds = new ArrayList<>();
        final Map<String, String> jobEnd = new LinkedHashMap<>();

        Execution(Plan plan, Scheduler scheduler, Transport t) {
            this.plan = plan;
            this.spec = plan.spec();
            this.scheduler = scheduler;
            this.t = t;
        }

        RunResult run() throws IOException, InterruptedException {
            String workdir = resolveWorkdir();
            paraviewVersion = askVersion();
            if (spec.paraview() != null && !spec.paraview().isSatisfiedBy(paraviewVersion)) {
                throw PvrunException.environment("pipeline " + spec.name() + " needs ParaView " + spec.paraview()
                        + " but target " + target.name() + " has ParaView " + paraviewVersion + " (" + target.pvbatch() + ")");
            }
            localRun = RunIds.createRunDir(o.resultsDir().resolve(spec.name()).toAbsolutePath().normalize());
            runId = localRun.getFileName().toString();
            remoteRun = workdir + "/" + spec.name() + "/" + runId;
            CountDownLatch recorded = new CountDownLatch(1);
            try (AutoCloseable w = Interruption.awaitBeforeExit(recorded)) {
                stage(workdir);
                submit();
                try (AutoCloseable c = Interruption.onInterrupt(this::cancelUnlessDetached)) {
                    monitor();
                }
                return collect();
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                recorded.countDown();
            }
        }

        String resolveWorkdir() throws IOException, InterruptedException {
            String w = target.workdir() != null ? target.workdir() : "~/pvrun";
            if (w.startsWith("~/")) {
                ExecResult r = t.exec(List.of("sh", "-c", "printf '%s' \"$HOME\""), COMMAND_TIMEOUT);
                if (!r.ok() || !r.stdout().startsWith("/")) {
                    throw PvrunException.environment("cannot find the home directory on " + target.name() + ":\n" + r.evidence());
                }
                w = r.stdout().strip() + w.substring(1);
            }
            return w.endsWith("/") ? w.substring(0, w.length() - 1) : w;
        }

        /** {@code pvbatch --version} on the target, after its setup lines (module loads). */
        String askVersion() throws IOException, InterruptedException {
            ExecResult r = t.exec(List.of("bash", "-c", setupPrefix() + Shell.join(List.of(target.pvbatch(), "--version"))),
                    COMMAND_TIMEOUT);
            String v = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
            if (v == null) {
                throw PvrunException.environment("cannot run pvbatch on target " + target.name()
                        + " (set 'pvbatch:' or the 'setup:' lines that load ParaView, e.g. module load paraview):\n" + r.evidence());
            }
            return v;
        }

        String setupPrefix() {
            StringBuilder sb = new StringBuilder();
            target.setup().forEach(l -> sb.append(l).append('\n'));
            return sb.toString();
        }

        void stage(String workdir) throws IOException, InterruptedException {
            Path stage = Files.createDirectories(localRun.resolve(".stage"));
            Path pipelineDir = Files.createDirectories(localRun.resolve("pipeline"));
            Files.copy(spec.specFile(), pipelineDir.resolve(spec.specFile().getFileName()));
            Files.copy(spec.script(), pipelineDir.resolve(spec.script().getFileName()));
            FileUtils.copyDirectory(pipelineDir.toFile(), stage.resolve("pipeline").toFile());
            PythonRuntime.extractTo(stage.resolve("runtime"));
            List<String> files = new ArrayList<>();
            PythonRuntime.files().forEach(f -> files.add("runtime/" + f));
            files.add("pipeline/" + spec.specFile().getFileName());
            files.add("pipeline/" + spec.script().getFileName());

            Map<String, String> inputLinks = stageInputs(workdir);
            List<Map<String, Object>> jobTasks = new ArrayList<>();
            List<String> dirs = new ArrayList<>(List.of(remoteRun + "/logs", remoteRun + "/status", remoteRun + "/jobs"));
            for (Task task : plan.tasks()) {
                String rel = "tasks/" + task.id();
                Files.createDirectories(stage.resolve(rel));
                Files.write(stage.resolve(rel).resolve("params.json"), ManifestIO.JSON.writeValueAsBytes(task.params()));
                files.add(rel + "/params.json");
                dirs.add(remoteRun + "/" + rel);
                Map<String, Object> jt = new LinkedHashMap<>();
                jt.put("index", task.index());
                jt.put("dir", remoteRun + "/" + rel);
                jt.put("script", remoteRun + "/pipeline/" + spec.script().getFileName());
                jt.put("argv", task.argv());
                jt.put("log", remoteRun + "/logs/" + task.id() + ".log");
                jt.put("status", remoteRun + "/status/" + task.id() + ".exit");
                jt.put("run_dir", remoteRun);
                jt.put("inputs", inputLinks);
                jobTasks.add(jt);
            }
            Files.createDirectories(stage.resolve("jobs"));
            Files.write(stage.resolve("jobs/job-0.json"), ManifestIO.JSON.writeValueAsBytes(Map.of("tasks", jobTasks)));
            files.add("jobs/job-0.json");
            Files.writeString(stage.resolve("jobs/job.sh"), scheduler.renderJobScript(jobSpec(spec, remoteRun)));
            files.add("jobs/job.sh");

            // the run directory is private to its owner; everything below it follows the user's umask
            ExecResult mk = t.exec(List.of("mkdir", "-p", "-m", "700", remoteRun), COMMAND_TIMEOUT);
            if (!mk.ok()) {
                throw PvrunException.environment("cannot create the run directory on " + target.name() + ":\n" + mk.evidence());
            }
            List<String> mkdirs = new ArrayList<>(List.of("mkdir", "-p"));
            mkdirs.addAll(dirs);
            check(t.exec(mkdirs, COMMAND_TIMEOUT), "create the task directories");
            t.uploadTree(stage, files, remoteRun);
            if (!o.quiet()) {
                o.out().printf("pvrun: staged %d files to %s:%s%n", files.size(), target.name(), remoteRun);
            }
        }

        /** Inputs go to a content-addressed cache on the target; those already there are not sent again. */
        Map<String, String> stageInputs(String workdir) throws IOException, InterruptedException {
            Map<String, String> links = new LinkedHashMap<>();
            if (spec.inputs().isEmpty()) {
                return links;
            }
            String cache = workdir + "/" + CACHE;
            Map<String, PipelineSpec.InputFile> byHash = new LinkedHashMap<>();
            for (PipelineSpec.InputFile in : spec.inputs()) {
                String h = Hashes.sha256(in.source());
                byHash.putIfAbsent(h, in);
                links.put(in.name(), cache + "/" + h);
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

        void submit() throws IOException, InterruptedException {
            ExecResult r = t.exec(scheduler.submitCommand(remoteRun + "/jobs/job.sh"), COMMAND_TIMEOUT);
            if (!r.ok()) {
                throw PvrunException.environment("the " + scheduler.name() + " submission failed on " + target.name()
                        + ":\n" + r.evidence());
            }
            String id;
            try {
                id = scheduler.parseJobId(r.stdout());
            } catch (IllegalArgumentException e) {
                throw PvrunException.environment("cannot read the job id: " + e.getMessage() + "\n" + r.evidence());
            }
            jobIds.add(id);
            RunRecord.write(localRun, new RunRecord(runId, spec.name(), target.name(), scheduler.name(), remoteRun,
                    List.copyOf(jobIds), Instant.now().toString()));
            if (!o.quiet()) {
                o.out().printf("pvrun: submitted %s job %s on %s%n", scheduler.name(), id, target.name());
            }
        }

        void cancelUnlessDetached() {
            if (detach || jobIds.isEmpty()) {
                return;
            }
            try {
                ExecResult r = t.exec(scheduler.cancelCommand(jobIds), Duration.ofSeconds(20));
                o.err().println("pvrun: interrupted; cancelled job " + String.join(" ", jobIds)
                        + (r.ok() ? "" : " (the cancel command said: " + r.stderr().strip() + ")"));
            } catch (IOException | InterruptedException | RuntimeException e) {
                o.err().println("pvrun: interrupted; could not cancel job " + String.join(" ", jobIds) + ": " + e.getMessage());
            }
        }

        /** Polls until every job has written its exit file or is known to have ended without one. */
        void monitor() throws IOException, InterruptedException {
            Map<String, JobState> last = new HashMap<>();
            Map<String, Integer> missing = new HashMap<>();
            boolean none = scheduler.name().equals("none");
            while (!Interruption.interrupted()) {
                Map<String, JobState> states = none ? Map.of() : queryStates();
                boolean queueKnown = none || states != null;
                Map<String, String> exits = readExitFiles();
                boolean allDone = true;
                for (int i = 0; i < jobIds.size(); i++) {
                    String id = jobIds.get(i);
                    if (jobEnd.containsKey(id)) {
                        continue;
                    }
                    String exit = exits.get("job-" + i + ".exit");
                    JobState s = none ? (exits.containsKey("alive") ? JobState.RUNNING : JobState.UNKNOWN)
                            : states == null ? null : states.get(scheduler.elementId(id, 0, 1));
                    if (s != null && s != last.get(id) && !o.quiet()) {
                        o.out().printf("pvrun: job %s %s%n", id, s.name().toLowerCase());
                    }
                    if (s != null) {
                        last.put(id, s);
                    }
                    if (exit != null) {
                        jobEnd.put(id, "exit " + exit);
                    } else if (s != null && s.isTerminal() && s != JobState.COMPLETED) {
                        jobEnd.put(id, s.name().toLowerCase());
                    } else if (!queueKnown) {
                        allDone = false;
                    } else if (s == null || s == JobState.UNKNOWN || s == JobState.COMPLETED) {
                        // gone from the queue (or finished) without an exit file yet: the file may lag a moment
                        int n = missing.merge(id, 1, Integer::sum);
                        if (n >= 3) {
                            JobState past = s == null ? history(id) : s;
                            jobEnd.put(id, "ended without writing its exit status ("
                                    + (past != null && past != JobState.UNKNOWN ? "scheduler state " + past.name().toLowerCase()
                                    : "killed, out of time or a node failure") + ")");
                        } else {
                            allDone = false;
                        }
                    } else {
                        allDone = false;
                    }
                }
                if (allDone) {
                    return;
                }
                sleep(target.poll());
            }
        }

        /** What the scheduler's accounting remembers of a job the queue forgot, or null (no accounting). */
        JobState history(String id) throws IOException, InterruptedException {
            List<String> cmd = scheduler.historyCommand(List.of(id));
            if (cmd == null) {
                return null;
            }
            ExecResult r = t.exec(cmd, COMMAND_TIMEOUT);
            if (!r.ok()) {
                return null; // accounting disabled (sacct: "Slurm accounting storage is disabled")
            }
            var rec = scheduler.parseHistory(r.stdout()).get(id);
            return rec == null ? null : rec.state();
        }

        /** The queue's view of the run's jobs, or null when the query failed (a controller restarting...). */
        Map<String, JobState> queryStates() throws IOException, InterruptedException {
            ExecResult r = t.exec(scheduler.statusCommand(jobIds), COMMAND_TIMEOUT);
            // qstat reports purged jobs on stderr with a non-zero status and still lists the rest on stdout
            if (!r.ok() && r.stdout().isBlank()) {
                if (o.verbose()) {
                    o.err().println("pvrun: status query failed; judging by the exit files this round:\n" + r.evidence());
                }
                return null;
            }
            return scheduler.parseStatus(r.stdout());
        }

        Map<String, String> readExitFiles() throws IOException, InterruptedException {
            StringBuilder sh = new StringBuilder("cd " + Shell.quote(remoteRun + "/jobs") + " || exit 1; "
                    + "for f in job-*.exit; do [ -f \"$f\" ] && printf '%s %s\\n' \"$f\" \"$(cat \"$f\")\"; done; ");
            if (scheduler.name().equals("none")) {
                sh.append("[ -f job-0.pid ] && kill -0 \"$(cat job-0.pid)\" 2>/dev/null && echo alive; ");
            }
            sh.append("exit 0");
            ExecResult r = check(t.exec(List.of("sh", "-c", sh.toString()), COMMAND_TIMEOUT), "read the job exit files");
            Map<String, String> out = new HashMap<>();
            for (String line : r.stdout().lines().toList()) {
                String[] parts = line.strip().split(" ", 2);
                out.put(parts[0], parts.length > 1 ? parts[1].strip() : "");
            }
            return out;
        }

        void sleep(Duration d) throws InterruptedException {
            long end = System.nanoTime() + d.toNanos();
            while (!Interruption.interrupted() && System.nanoTime() < end) {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        }

        RunResult collect() throws IOException, InterruptedException {
            boolean cancelled = Interruption.interrupted();
            List<Manifest.TaskRecord> tasks = new ArrayList<>();
            List<String> nodes = new ArrayList<>();
            if (!cancelled) {
                Fetch fetch = new Fetch(t, remoteRun, localRun);
                fetch.run(plan, new OutputGlobs(spec.outputs()));
                nodes.addAll(fetch.nodes());
                for (Task task : plan.tasks()) {
                    Integer code = fetch.exitCode(task);
                    String reason = code == null ? "job " + String.join(" ", jobEnd.values()) : code == 0 ? null
                            : "script exited with status " + code;
                    String status = code != null && code == 0 ? "succeeded" : "failed";
                    tasks.add(new Manifest.TaskRecord(task.index(), task.params(), task.argv(), status, code, reason,
                            "logs/" + task.id() + ".log", null, null, fetch.outputs(task)));
                }
            } else {
                for (Task task : plan.tasks()) {
                    tasks.add(new Manifest.TaskRecord(task.index(), task.params(), task.argv(), "cancelled", null,
                            detach ? "interrupted; the job goes on (--detach)" : "interrupted; job cancelled",
                            "logs/" + task.id() + ".log", null, null, List.of()));
                }
            }
            boolean allOk = tasks.stream().allMatch(x -> x.status().equals("succeeded"));
            String status = cancelled ? "cancelled" : allOk ? "succeeded" : "failed";
            Instant finished = Instant.now();
            List<Manifest.InputRecord> inputs = new ArrayList<>();
            for (PipelineSpec.InputFile in : spec.inputs()) {
                inputs.add(new Manifest.InputRecord(in.name(), in.source().toString(), Files.size(in.source()),
                        Hashes.sha256(in.source())));
            }
            Manifest m = new Manifest(1, spec.name(), runId, status, target.name(), scheduler.name(), t.describe(),
                    paraviewVersion, spec.paraview() == null ? null : spec.paraview().toString(),
                    "pipeline/" + spec.specFile().getFileName(), spec.specSha256(),
                    "pipeline/" + spec.script().getFileName(), Hashes.sha256(spec.script()), inputs, spec.ranks(),
                    display(spec).id(), launch(spec, remoteRun), LocalRunner.hostName(), Versions.pvrun(),
                    started.toString(), finished.toString(), Duration.between(started, finished).toMillis() / 1000.0,
                    List.copyOf(jobIds), nodes, remoteRun, target.setup(), tasks);
            FileUtils.deleteDirectory(localRun.resolve(".stage").toFile());
            ManifestIO.write(localRun, m);
            Reports.print(o, m, localRun);
            int exit = cancelled ? ExitCode.INTERRUPTED : allOk ? ExitCode.OK : ExitCode.TASK_FAILED;
            return new RunResult(m, localRun, exit);
        }

        ExecResult check(ExecResult r, String what) {
            if (!r.ok()) {
                throw PvrunException.environment("cannot " + what + " on " + target.name() + ":\n" + r.evidence());
            }
            return r;
        }
    }

    /** The spec's display when it says one, else the target's. */
    Display display(PipelineSpec spec) {
        return spec.display() != Display.AUTO ? spec.display() : target.display();
    }

    /** The resources for the job: the target's, the spec's over them; a spec timeout gives the wall time. */
    Map<String, String> resources(PipelineSpec spec) {
        Map<String, String> r = new LinkedHashMap<>(target.resources());
        r.putAll(spec.resources());
        if (!r.containsKey("time") && spec.timeout() != null) {
            r.put("time", Durations.clock(spec.timeout()));
        }
        return r;
    }

    JobSpec jobSpec(PipelineSpec spec, String remoteRun) {
        Map<String, String> env = new LinkedHashMap<>(target.env());
        env.put("PVRUN_RUN_DIR", remoteRun);
        return new JobSpec("pvrun-" + spec.name(), remoteRun, spec.ranks(), resources(spec), target.setup(), env,
                display(spec).id(), launch(spec, remoteRun), 1, 0, remoteRun + "/jobs");
    }

    List<String> launch(PipelineSpec spec, String remoteRun) {
        return Pvbatch.launchCommand(target.launcher(), "mpiexec", spec.ranks(), false, target.pvbatch(),
                remoteRun + "/runtime/" + PythonRuntime.DRIVER, remoteRun + "/jobs");
    }

    private void printDryRun(Plan plan, Scheduler scheduler, String remoteRun) {
        PipelineSpec spec = plan.spec();
        PrintStream out = o.out();
        out.println("pipeline:  " + spec.name() + "  (" + spec.specFile() + ")");
        out.println("script:    " + spec.script());
        out.println("target:    " + target.describe());
        if (spec.paraview() != null) {
            out.println("paraview:  " + spec.paraview() + "  (checked against the target's pvbatch --version before staging)");
        }
        out.println("ranks:     " + spec.ranks());
        out.println("remote:    " + remoteRun);
        for (PipelineSpec.InputFile in : spec.inputs()) {
            out.println("input:     " + in.name() + " <- " + in.source() + "  (sent unless already cached on the target)");
        }
        out.println("outputs:   " + (spec.outputs().isEmpty() ? "everything the task writes" : String.join(" ", spec.outputs())));
        out.println("tasks:     " + plan.tasks().size());
        for (Task t : plan.tasks()) {
            out.println("task " + t.id() + "  argv: " + Shell.join(prependScript(spec, t.argv())));
        }
        out.println("submit:    " + Shell.join(scheduler.submitCommand(remoteRun + "/jobs/job.sh")));
        out.println("job script (" + remoteRun + "/jobs/job.sh):");
        scheduler.renderJobScript(jobSpec(spec, remoteRun)).lines().forEach(l -> out.println("  | " + l));
        out.println("(dry run: nothing was run, sent or written)");
    }

    private static List<String> prependScript(PipelineSpec spec, List<String> argv) {
        List<String> l = new ArrayList<>();
        l.add(spec.script().getFileName().toString());
        l.addAll(argv);
        return l;
    }
}
