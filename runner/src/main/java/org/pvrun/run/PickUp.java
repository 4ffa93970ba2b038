package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.job.TaskCounts;
import org.pvrun.job.TaskStatus;
import org.pvrun.results.Manifest;

/**
 * A recorded run picked up by any process (after --detach, a killed runner, a cancel): {@code fetch} follows
 * it to its end and collects it, {@code status} looks at it without changing anything.
 */
final class PickUp {
    private PickUp() {}

    static void load(Session s, RunRecord r, Path runDir) throws IOException {
        s.rec = r;
        s.localRun = runDir;
        s.started = Instant.parse(r.started());
        s.liveRounds = r.roundsOrEmpty();
        for (RunRecord.TaskEntry e : r.tasks()) {
            if (e.reusedFrom() != null) {
                s.reusedOutputs.put(e.index(), Collect.reusedRecords(runDir, e).toArray(Manifest.OutputRecord[]::new));
            }
        }
    }

    /** Waits for a recorded run's jobs (submitting a round whose submission was lost), retries, collects. */
    static RunResult resume(Session s, RunRecord r, Path runDir) throws IOException, InterruptedException {
        load(s, r, runDir);
        RunRecord.Round last = s.lastRound();
        // every job had ended and nothing is left to retry: only the fetch had failed (a full disk, say); or the
        // run was cancelled: what finished is collected, nothing is submitted again
        boolean cancelled = RunRecord.CANCELLED.equals(r.state());
        boolean collectNow = cancelled || last != null && last.exitCodes() != null && (last.number() > r.spec().retries()
                || last.exitCodes().values().stream().allMatch(c -> c != null && c == 0));
        Collect.rebuildAttempts(s, collectNow);
        if (!cancelled && s.liveRounds.isEmpty() && r.tasks().stream().anyMatch(e -> e.reusedFrom() == null)) {
            throw PvrunException.environment("run " + r.runId() + " was never submitted (its staging did not finish); "
                    + "nothing ran. Run the pipeline again.");
        }
        return Engine.recorded(() -> {
            if (collectNow) {
                return new Collect(s).collect();
            }
            s.tracker.adopt();
            return new Monitor(s).followRounds();
        });
    }

    /** A run whose jobs all ended: not yet fetched, or its last fetch refused (and why, its first line). */
    private static String fetchState(Path runDir, String runId) throws IOException {
        Path note = runDir.resolve(Collect.FETCH_FAILED);
        if (java.nio.file.Files.isRegularFile(note)) {
            String why = java.nio.file.Files.readString(note).strip();
            int nl = why.indexOf('\n');
            return "finished, its fetch refused: " + (nl < 0 ? why : why.substring(0, nl)) + " (pvrun fetch " + runId
                    + " tries again)";
        }
        return "finished (not yet fetched: pvrun fetch " + runId + ")";
    }

    /** The live state of a recorded run. */
    static Engine.StatusView look(Session s, RunRecord r, Path runDir) throws IOException, InterruptedException {
        s.rec = r;
        s.localRun = runDir;
        s.liveRounds = r.roundsOrEmpty();
        RunRecord.Round last = s.lastRound();
        int reused = (int) r.tasks().stream().filter(e -> e.reusedFrom() != null).count();
        TaskCounts c = new TaskCounts(r.tasks().size(), r.tasks().size() - reused, 0, 0, reused, 0, reused, null);
        if (last != null) {
            JobFiles files = JobFiles.read(s, last);
            Monitor.Counts counts = new Monitor.Counts(r.tasks().size(), reused, last);
            counts.heard(s.tracker.ask(last, files));
            c = counts.count(files.taskCodes, files.started, Map.of());
        }
        List<String> ids = new ArrayList<>();
        s.liveRounds.forEach(rd -> ids.addAll(rd.jobIds()));
        boolean submitted = !s.liveRounds.isEmpty() || r.tasks().stream().allMatch(e -> e.reusedFrom() != null);
        String st = RunRecord.CANCELLED.equals(r.state()) ? TaskStatus.CANCELLED.word()
                : !submitted ? "not submitted (its staging did not finish; run the pipeline again)"
                : last != null && last.jobIds().isEmpty() && last.exitCodes() == null && s.tracker.mayHaveSubmitted()
                        ? "submitted without a job id (the submission's answer was lost or unreadable; pvrun fetch "
                                + r.runId() + " finds its job or submits it)"
                : c.unfinished() == 0 ? fetchState(runDir, r.runId()) : "running";
        return new Engine.StatusView(r.runId(), r.pipeline(), r.target().name(), st, runDir.toString(), c.total(),
                c.pending(), c.waiting(), c.running(), c.done(), c.failed(), c.reused(), c.reason(), ids);
    }
}
