package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.pvrun.ExitCode;
import org.pvrun.job.JobEnd;
import org.pvrun.job.TaskStatus;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.results.ResumeCache;
import org.pvrun.spec.OutputGlobs;
import org.pvrun.transport.LocalFiles;
import org.pvrun.util.Hashes;
import org.pvrun.util.Versions;

/**
 * Collect: the run's tasks fetched (outputs verified by SHA-256), judged and written into the manifest, last
 * of all. An interrupted or cancelled run keeps every task that had its verdict: those are fetched and
 * judged like any other, only the rest is recorded {@code cancelled}; collecting a cancelled run again
 * ({@code pvrun fetch}) adds what finished since and keeps what the last collection had.
 */
final class Collect {
    /** How long a local run's jobs may take to write their exit files after the last verdict. */
    static final Duration JOB_END_PATIENCE = Duration.ofSeconds(10);
    /** Warnings of one kind (links not fetched, writes outside a task's folder) printed before the rest is a count. */
    static final int WARNINGS_SHOWN = 5;

    private final Session s;

    Collect(Session s) {
        this.s = s;
    }

    /** In the local run directory while its last fetch was refused: why, for {@code pvrun status}. */
    static final String FETCH_FAILED = "fetch-failed.txt";

    RunResult collect() throws IOException, InterruptedException {
        LiveSheet.clear(s.localRun);  // the live page of a running animation: the run's report takes its place
        // what an earlier pvrun killed while writing run.json or the manifest left behind
        ManifestIO.removeStaleTemporaries(s.localRun);
        s.trace("collect");
        boolean cancelled = Interruption.interrupted() || RunRecord.CANCELLED.equals(s.rec.state());
        Map<Integer, Manifest.TaskRecord> kept = cancelled ? earlierSucceeded() : Map.of();
        Map<Integer, RunRecord.TaskEntry> entries = new TreeMap<>();
        s.rec.tasks().forEach(e -> entries.put(e.index(), e));
        // cancelled: only tasks with a verdict are fetched, so no half-written output of a cancelled one is taken
        Map<Integer, Integer> verdicts = cancelled ? verdictsOnTarget() : null;
        // but of a split animation's cancelled tasks, the frames they had finished (their frame logs): kept for
        // --resume, which renders only the others
        Map<String, Set<String>> framesOnly = cancelled && s.rec.spec().animation() != null ? framesOnTarget() : Map.of();
        List<Task> ran = new ArrayList<>();
        for (RunRecord.TaskEntry e : entries.values()) {
            boolean partial = framesOnly.containsKey(Task.id(e.index())) && !verdicts.containsKey(e.index());
            if (e.reusedFrom() == null && !kept.containsKey(e.index())
                    && (verdicts == null || verdicts.containsKey(e.index()) || partial)) {
                ran.add(new Task(e.index(), e.params(), e.argv(), Map.of()));
            }
        }
        Fetch fetch = new Fetch(s.t, s.rec.remoteDir(), s.localRun, s.isLocalDir() || (!s.target.isRemote()
                && s.rec.remoteDir().startsWith(s.localRun.toString())));
        Map<Integer, Integer> codes = new HashMap<>();
        List<String> nodes = new ArrayList<>();
        if (!ran.isEmpty()) {
            // pvrun's own files in each task folder: the script's copy and the links to inputs and data
            // (docs/runtime.md); never results, nothing to say about them
            Set<String> own = new LinkedHashSet<>(List.of(s.rec.spec().script()));
            s.rec.spec().inputs().forEach(in -> own.add(in.name()));
            s.rec.spec().dataOrEmpty().forEach(d -> own.add(d.name()));
            Path failedNote = s.localRun.resolve(FETCH_FAILED);
            try {
                fetch.run(ran, new OutputGlobs(s.rec.spec().outputs()), own, framesOnly);
            } catch (IOException | org.pvrun.PvrunException e) {
                if (!(e instanceof org.pvrun.transport.ConnectionLostException)) {
                    // what pvrun status says of a run whose jobs ended but whose fetch was refused
                    try {
                        Files.writeString(failedNote, e.getMessage() + "\n");
                    } catch (IOException full) {
                        e.addSuppressed(full); // a full disk: the reason still reaches the user
                    }
                }
                throw e;
            }
            Files.deleteIfExists(failedNote);
            RunSummary.firstOf(fetch.skippedLinks().stream()
                    .map(link -> "pvrun: not fetched: " + link + " is a symbolic link (links are never results)").toList(),
                    WARNINGS_SHOWN, s.o.verbose(), n -> "pvrun: not fetched: " + n + " more symbolic links (-v lists"
                            + " every one)").forEach(s.o.err()::println);
            nodes.addAll(new LinkedHashSet<>(fetch.nodes()));
            for (Task task : ran) {
                if (fetch.exitCode(task) != null) {
                    codes.put(task.index(), fetch.exitCode(task));
                }
            }
        }
        List<Manifest.TaskRecord> tasks = new ArrayList<>();
        List<String> outsideWarnings = new ArrayList<>();
        for (RunRecord.TaskEntry e : entries.values()) {
            if (kept.containsKey(e.index())) {
                tasks.add(kept.get(e.index()));
            } else if (e.reusedFrom() != null) {
                tasks.add(new Manifest.TaskRecord(e.index(), e.params(), seen(e), TaskStatus.SUCCEEDED.word(), 0, null,
                        log(e), e.key(), e.reusedFrom(), null, List.of(s.reusedOutputs.get(e.index()))));
            } else {
                tasks.add(judge(e, codes.get(e.index()), cancelled && !codes.containsKey(e.index()), fetch, outsideWarnings));
            }
        }
        RunSummary.firstOf(outsideWarnings, WARNINGS_SHOWN, s.o.verbose(), n -> "pvrun: warning: " + n + " more files"
                + " written outside their task folders: not collected (-v lists every one)").forEach(s.o.err()::println);
        boolean allOk = tasks.stream().allMatch(x -> TaskStatus.succeeded(x.status()));
        Manifest.MovieRecord movie = null;
        if (s.rec.spec().animation() != null && !s.rec.spec().animation().count() && allOk && !cancelled) {
            Map<Integer, String> records = new HashMap<>();
            for (RunRecord.TaskEntry e : entries.values()) {
                Path earlier = s.localRun.resolve("logs").resolve(Task.id(e.index()) + ResumeCache.FRAMES_RECORD);
                if (fetch.frames(e.index()) != null) {
                    records.put(e.index(), fetch.frames(e.index()));
                } else if (Files.isRegularFile(earlier)) {
                    records.put(e.index(), Files.readString(earlier));  // a task reused from an earlier run
                }
            }
            Animations.Outcome a = Animations.finish(s.localRun, s.rec.spec().animation(), tasks, records, s.o.env());
            movie = a.record();
            a.problems().forEach(p -> s.o.err().println("pvrun: " + p));
            if (movie != null && movie.note() != null) {
                s.o.err().println("pvrun: note: " + movie.note());
            }
            allOk = a.problems().isEmpty();
        }
        String status = (cancelled ? TaskStatus.CANCELLED : allOk ? TaskStatus.SUCCEEDED : TaskStatus.FAILED).word();
        Manifest m = manifest(status, nodes, tasks, movie);
        if (s.isLocalDir() && !cancelled) {
            removeScratch();
        }
        s.rec = s.rec.withState(cancelled ? RunRecord.CANCELLED : RunRecord.FINISHED);
        RunRecord.write(s.localRun, s.rec);
        if (!s.detachNow) {
            ManifestIO.write(s.localRun, m);
        }
        s.trace("manifest");
        Reports.print(s.o, m, s.localRun);
        // a job stopped at a failed setup line: the target's environment is wrong, not the script (docs/cli.md)
        boolean setupFailed = !s.liveRounds.isEmpty() && anySetupFailed(s.liveRounds.get(s.liveRounds.size() - 1));
        return new RunResult(m, s.localRun, cancelled ? Engine.cancelledExit() : allOk ? ExitCode.OK
                : setupFailed ? ExitCode.ENVIRONMENT : ExitCode.TASK_FAILED);
    }

    private static boolean anySetupFailed(RunRecord.Round round) {
        return round.jobEnds() != null
                && round.jobEnds().values().stream().anyMatch(e -> JobEnd.parse(e) instanceof JobEnd.SetupFailed);
    }

    /**
     * The launch command with the run's working folder left out of its paths: a local run's scratch folder is
     * gone once the run is collected, and a cluster run's folder is the manifest's {@code remote_dir}
     * (docs/results.md#manifest-json).
     */
    static List<String> relativeTo(String workDir, List<String> command) {
        String prefix = workDir.endsWith("/") ? workDir : workDir + "/";
        return command.stream().map(a -> a.startsWith(prefix) ? a.substring(prefix.length()) : a).toList();
    }

    /** The manifest's argv: what the script saw as sys.argv (its name, then its arguments). */
    private List<String> seen(RunRecord.TaskEntry e) {
        return Task.seenArgv(s.rec.spec().script(), e.argv());
    }

    private static String log(RunRecord.TaskEntry e) {
        return "logs/" + Task.id(e.index()) + ".log";
    }

    /** One task's record from its verdict ({@code code}, null: none), its attempts and what was fetched of it. */
    private Manifest.TaskRecord judge(RunRecord.TaskEntry e, Integer code, boolean cancelled, Fetch fetch,
            List<String> warnings) {
        Task task = new Task(e.index(), e.params(), e.argv(), Map.of());
        List<Manifest.AttemptRecord> att = s.attempts.getOrDefault(e.index(), List.of());
        TaskStatus status;
        String reason = null;
        if (cancelled) {
            status = TaskStatus.CANCELLED;
            reason = "interrupted; job cancelled";
        } else if (code != null && code == 0) {
            status = TaskStatus.SUCCEEDED;
        } else {
            status = TaskStatus.FAILED;
            Manifest.AttemptRecord lastAttempt = att.isEmpty() ? null : att.get(att.size() - 1);
            reason = lastAttempt != null && lastAttempt.reason() != null ? lastAttempt.reason()
                    : code != null ? s.reasonFor(code) : "no verdict from the job";
            if (code == null && !fetch.started(task)) {
                reason = JobEnd.notRun(reason);
            }
            if (DiskSpace.filledIn(s.localRun.resolve(log(e)))) {
                // a disk that filled is the target's doing, not the script's (the log's end says where)
                reason = reason + ": " + DiskSpace.NO_SPACE;
            }
        }
        // a cancelled task's outputs are none, but for the whole frames a split animation task logged
        boolean frames = cancelled && s.rec.spec().animation() != null;
        List<Manifest.OutputRecord> outs = cancelled && !frames ? List.of() : new ArrayList<>(fetch.outputs(task));
        List<String> outside = cancelled ? List.of() : fetch.outside(task);
        outside.forEach(p -> warnings.add("pvrun: warning: " + OutsideWrites.warning(e.index(), p)));
        if (status == TaskStatus.SUCCEEDED && !outside.isEmpty() && Boolean.TRUE.equals(s.rec.spec().strict())) {
            status = TaskStatus.FAILED;
            reason = OutsideWrites.reason(outside);
        }
        if (status == TaskStatus.SUCCEEDED && outs.isEmpty() && s.rec.spec().outputs() != null
                && !s.rec.spec().outputs().isEmpty()) {
            // the spec named its outputs: a task that made none of them did not do its job
            status = TaskStatus.FAILED;
            reason = "wrote no outputs matching " + String.join(", ", s.rec.spec().outputs());
        }
        return new Manifest.TaskRecord(e.index(), e.params(), seen(e), status.word(), code, reason, log(e), e.key(), null,
                att.isEmpty() ? null : List.copyOf(att), outs);
    }

    private Manifest manifest(String status, List<String> nodes, List<Manifest.TaskRecord> tasks,
            Manifest.MovieRecord movie) {
        Instant finished = Instant.now();
        List<String> jobIds = new ArrayList<>();
        s.liveRounds.forEach(r -> jobIds.addAll(r.jobIds()));
        RunRecord.SpecRecord sr = s.rec.spec();
        return new Manifest(1, s.rec.pipeline(), s.rec.runId(), status, s.target.name(), s.scheduler.name(),
                s.t.describe(), s.rec.paraviewVersion(), sr.paraviewConstraint(), "pipeline/" + sr.file(), sr.sha256(),
                "pipeline/" + sr.script(), sr.scriptSha256(), sr.inputs(), sr.ranks(), sr.display(),
                relativeTo(s.rec.remoteDir(), Engine.launch(s.target, sr.ranks(), s.rec.paraviewVersion(),
                        s.rec.remoteDir(), s.rec.remoteDir() + "/jobs/r1", null)),
                Hosts.hostName(), Versions.pvrun(), s.started.toString(), finished.toString(),
                Duration.between(s.started, finished).toMillis() / 1000.0, jobIds, nodes,
                s.target.isRemote() ? s.rec.remoteDir() : null, s.target.setup().isEmpty() ? null : s.target.setup(),
                s.rec.git(), tasks, sr.data(), movie);
    }

    /** The task verdicts on the target now (task index → status); none when nothing was submitted. */
    /** Task id → the frames (paths in its folder) each split animation task logged as finished (status/NNNN.fdone). */
    private Map<String, Set<String>> framesOnTarget() throws IOException, InterruptedException {
        Map<String, Set<String>> out = new HashMap<>();
        FrameLogs.read(s.t, s.rec.remoteDir()).forEach((task, frames) -> out.put(task, new LinkedHashSet<>(frames.values())));
        return out;
    }

    private Map<Integer, Integer> verdictsOnTarget() throws IOException, InterruptedException {
        RunRecord.Round last = s.lastRound();
        return last == null ? Map.of() : JobFiles.read(s, last).taskCodes;
    }

    /** The tasks an earlier collection of this (cancelled) run recorded as succeeded: already here, kept as they are. */
    private Map<Integer, Manifest.TaskRecord> earlierSucceeded() {
        Map<Integer, Manifest.TaskRecord> out = new HashMap<>();
        Path file = s.localRun.resolve(ManifestIO.FILE);
        if (Files.exists(file)) {
            try {
                for (Manifest.TaskRecord t : ManifestIO.read(file).tasks()) {
                    if (TaskStatus.succeeded(t.status()) && t.reusedFrom() == null) {
                        out.put(t.index(), t);
                    }
                }
            } catch (IOException unreadable) {
                // collected again from the target
            }
        }
        return out;
    }

    /**
     * pvrun collects at the last verdict, while a local job may still be ending in the scratch folder: the
     * folder goes once every job has written its exit file (or its process is gone), so no job writes into a
     * deleted folder ({@code job.sh: ... job-0.exit.tmp: No such file or directory}). A job still running
     * after {@link #JOB_END_PATIENCE} (a pvbatch that does not exit; the driver ends it later) keeps the folder.
     */
    private void removeScratch() throws IOException, InterruptedException {
        RunRecord.Round last = s.lastRound();
        long deadline = System.nanoTime() + JOB_END_PATIENCE.toNanos();
        while (last != null && stillEnding(last, JobFiles.read(s, last))) {
            if (System.nanoTime() - deadline >= 0) {
                s.o.err().println("pvrun: note: the scratch folder " + s.rec.remoteDir() + " is kept (a job of this"
                        + " run is still ending there); the results are complete");
                return;
            }
            Thread.sleep(50);
        }
        if (!LocalFiles.deleteTree(Path.of(s.rec.remoteDir()), Engine.SCRATCH_PATIENCE)) {
            s.o.err().println("pvrun: note: the scratch folder " + s.rec.remoteDir() + " could not be removed; the"
                    + " results are complete");
        }
    }

    private static boolean stillEnding(RunRecord.Round round, JobFiles files) {
        for (int j = 0; j < round.jobIds().size(); j++) {
            if (!files.exits.containsKey(j) && files.alive.contains(j)) {
                return true;
            }
        }
        return false;
    }

    /** The outputs --resume copied into this run, as recorded when the run is picked up again. */
    static List<Manifest.OutputRecord> reusedRecords(Path localRun, RunRecord.TaskEntry e) throws IOException {
        List<Manifest.OutputRecord> out = new ArrayList<>();
        Path dir = localRun.resolve("tasks").resolve(Task.id(e.index()));
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.add(new Manifest.OutputRecord(localRun.relativize(f).toString(), Files.size(f), Hashes.sha256(f)));
                }
            }
        }
        return out;
    }

    /**
     * The attempts of the recorded rounds; of the last one only with {@code includeLast} (else the monitor
     * records it when it has read it again).
     */
    static void rebuildAttempts(Session s, boolean includeLast) {
        for (RunRecord.Round round : s.liveRounds.subList(0, Math.max(0, s.liveRounds.size() - (includeLast ? 0 : 1)))) {
            if (round.exitCodes() == null) {
                continue;
            }
            for (int j = 0; j < round.jobs().size(); j++) {
                String elem = s.tracker.elementName(round, j);
                JobEnd end = JobEnd.parse(round.jobEnds() == null ? null : round.jobEnds().get(Integer.toString(j)));
                for (int idx : round.jobs().get(j)) {
                    Integer c = round.exitCodes().get(Task.id(idx));
                    s.attempts.computeIfAbsent(idx, k -> new ArrayList<>()).add(new Manifest.AttemptRecord(round.number(),
                            elem, c, c == null ? end.reason(elem) : c == 0 ? null : s.reasonFor(c)));
                }
            }
        }
    }
}
