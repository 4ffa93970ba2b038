package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.spec.Display;
import org.pvrun.spec.Durations;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.connect.Connection;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;

/**
 * One connection to a target and the run worked on through it: what the steps (stage, submit, monitor,
 * cancel, collect) share. The run record on disk is the truth; this holds it and what was learnt since.
 */
final class Session {
    final Engine engine;
    final RunOptions o;
    final Connection conn;
    final Transport t;
    final Scheduler scheduler;
    final Target target;
    final JobTracker tracker;
    RunRecord rec;
    Path localRun;
    PipelineSpec spec;
    Instant started = Instant.now();
    final Map<Integer, Manifest.OutputRecord[]> reusedOutputs = new HashMap<>();
    final Map<Integer, List<Manifest.AttemptRecord>> attempts = new TreeMap<>();
    volatile List<RunRecord.Round> liveRounds = new ArrayList<>();
    /** Set when the run goes on without this process (--detach): the monitor stops, nothing is cancelled. */
    volatile boolean detachNow;
    /** Set when the scheduler refused a submission (its answer, not a lost one): nothing is left in doubt. */
    volatile boolean refused;
    /** The verdicts the monitor's last poll read. */
    Map<Integer, Integer> lastTaskCodes = Map.of();
    /** Split animation tasks' frames made by an earlier run (--resume): staged into their folders, kept by the task. */
    final Map<Integer, List<org.pvrun.results.ResumeCache.Frame>> seededFrames = new TreeMap<>();
    /** Input name → where a task directory links it from (set by staging). */
    Map<String, String> inputLinks = new LinkedHashMap<>();

    Session(Engine engine, RunOptions o, Connection conn, Scheduler scheduler, Target target) {
        this.engine = engine;
        this.o = o;
        this.conn = conn;
        this.t = conn.transport();
        this.scheduler = scheduler;
        this.target = target;
        this.tracker = JobTracker.of(this);
    }

    /** A run on this machine without a scheduler works in {@code .work/} of its own results folder. */
    boolean isLocalDir() {
        return target.isLocalDirect() && target.workdir() == null;
    }

    RunRecord.Round lastRound() {
        return liveRounds.isEmpty() ? null : liveRounds.get(liveRounds.size() - 1);
    }

    /** Replaces the last round (with its ids, verdicts or ends) and records it. */
    void replaceLastRound(RunRecord.Round round) throws IOException {
        List<RunRecord.Round> rounds = new ArrayList<>(liveRounds);
        rounds.set(rounds.size() - 1, round);
        liveRounds = rounds;
        saveRounds();
    }

    void saveRounds() throws IOException {
        rec = rec.withRounds(liveRounds);
        RunRecord.write(localRun, rec);
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
        if (rec != null && rec.spec().animation() != null) {
            // a window of a split animation per pvbatch: a second task after a reset rendered other bytes
            // (measured, docs/animations.md)
            return 1;
        }
        return spec != null ? spec.tasksPerJob() : null;
    }

    int slots() {
        return engine.slots(specOrRecord(), target);
    }

    /** A split animation task's status when it stopped at its job's wall time with frames left (EX_TEMPFAIL). */
    static final int STOPPED_AT_WALL_TIME = 75;

    String reasonFor(int code) {
        if (code == STOPPED_AT_WALL_TIME && rec.spec().animation() != null) {
            return "stopped at the job's wall time after a whole frame (its frames so far are kept)";
        }
        if (code == 124 && rec.spec().timeoutSeconds() != null) {
            return "timed out after " + Durations.human(Duration.ofSeconds(rec.spec().timeoutSeconds()));
        }
        return "script exited with status " + code;
    }

    ExecResult check(ExecResult r, String what) {
        if (!r.ok()) {
            throw PvrunException.environment("cannot " + what + " on " + target.name() + ":\n" + r.evidence());
        }
        return r;
    }

    void trace(String step) {
        engine.trace(step);
    }
}
