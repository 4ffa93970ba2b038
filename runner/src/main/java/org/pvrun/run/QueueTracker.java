package org.pvrun.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.job.QueueAnswer;
import org.pvrun.plan.ArraySplit;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.transport.ExecResult;

/**
 * A round as array jobs of a batch scheduler (Slurm, PBS, Grid Engine): one array, or several when the round
 * is larger than the scheduler allows ({@link ArraySplit}), each submitted once and never again after a
 * dropped connection (a lost answer is adopted by the array's script path), all followed by one status query
 * per poll.
 */
final class QueueTracker implements JobTracker {
    /** How long a cancelled job may take to leave the queue before pvrun reports what it last saw. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(15);

    /** Sets how long one status query may take ({@value}), e.g. {@code 30s}; default {@link Engine#COMMAND_TIMEOUT}. */
    static final String QUERY_TIMEOUT_ENV = "PVRUN_QUERY_TIMEOUT";

    private final Session s;
    private final Scheduler scheduler;
    private final Duration queryTimeout;
    /** Whether the user was told that the status query misbehaves (once per process: it says so every poll). */
    private boolean toldUnreadable;

    QueueTracker(Session s) {
        this.s = s;
        this.scheduler = s.scheduler;
        this.queryTimeout = queryTimeout(s.o.env());
    }

    /** {@value #QUERY_TIMEOUT_ENV} as a duration, else {@link Engine#COMMAND_TIMEOUT}; exit 2 for anything else. */
    static Duration queryTimeout(Map<String, String> env) {
        String v = env == null ? null : env.get(QUERY_TIMEOUT_ENV);
        if (v == null || v.isBlank()) {
            return Engine.COMMAND_TIMEOUT;
        }
        try {
            return org.pvrun.spec.Durations.parse(v.strip());
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid(QUERY_TIMEOUT_ENV + ": " + e.getMessage());
        }
    }

    /**
     * Submits the round's arrays in order, each recorded as soon as its id is known. A submission the
     * scheduler refuses (a limit, an unknown partition) stops the round there with the scheduler's words:
     * the arrays already submitted stay recorded and run, and {@code pvrun fetch} submits the rest later.
     */
    @Override
    public void submit(RunRecord.Round round, int tasks) throws IOException, InterruptedException {
        s.saveRounds(); // recorded as being submitted: a lost answer is looked for later (adopt)
        ArraySplit split = round.split();
        for (int a = round.jobIds().size(); a < split.arrays(); a++) {
            round.jobIds().add(submitScript(round, a));
            s.saveRounds();
        }
        if (!s.o.quiet()) {
            int jobs = round.jobs().size();
            String arrays = split.arrays() == 1 ? "" : ", " + split.arrays() + " arrays of at most " + split.perArray();
            s.o.out().printf("pvrun: submitted %s job%s %s on %s (%d task%s in %d job%s%s)%n", scheduler.name(),
                    split.arrays() == 1 ? "" : "s", String.join(", ", round.jobIds()), s.target.name(), tasks,
                    tasks == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s", arrays);
        }
    }

    /**
     * Submits array {@code a}'s job script; sbatch and qsub are never repeated after a dropped connection
     * (Transport.execOnce).
     */
    private String submitScript(RunRecord.Round round, int a) throws IOException, InterruptedException {
        ExecResult r = s.t.execOnce(scheduler.submitCommand(round.jobDir() + "/" + ArraySplit.script(a)),
                Engine.COMMAND_TIMEOUT);
        if (!r.ok()) {
            int arrays = round.split().arrays();
            String which = arrays == 1 ? "" : " of array " + (a + 1) + " of " + arrays + " (jobs "
                    + String.join(", ", round.jobIds()) + " submitted before it)";
            // 255 is ssh's own status (the connection dropped while the command ran): not an answer
            s.refused = r.exitStatus() != 255;
            throw PvrunException.environment("the " + scheduler.name() + " submission" + which + " failed on "
                    + s.target.name() + ":\n" + r.evidence());
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
    @Override
    public void adopt() throws IOException, InterruptedException {
        RunRecord.Round round = s.lastRound();
        if (round == null || round.exitCodes() != null || round.jobIds().size() >= round.split().arrays()) {
            return;
        }
        ArraySplit split = round.split();
        List<String> ids = new ArrayList<>(round.jobIds());
        String listing = scheduler.jobScriptsCommand() == null ? null
                : s.check(s.t.exec(scheduler.jobScriptsCommand(), Engine.COMMAND_TIMEOUT), "list the jobs").stdout();
        for (int a = ids.size(); a < split.arrays(); a++) {
            String id = listing == null ? null : scheduler.parseJobScripts(listing, round.jobDir() + "/" + ArraySplit.script(a));
            if (id == null && ran(round, split, a)) {
                id = "unknown"; // it ran and the queue forgot it: its exit and verdict files tell the rest
            }
            if (id == null) {
                id = submitScript(round, a);
            }
            ids.add(id);
            s.replaceLastRound(round.with(new ArrayList<>(ids), null, null));
            if (!s.o.quiet()) {
                String what = split.arrays() == 1 ? "round " + round.number()
                        : "array " + (a + 1) + " of " + split.arrays() + " of round " + round.number();
                s.o.out().printf("pvrun: %s %s %s job %s%n", what, id.equals("unknown") ? "ran as an unrecorded" : "is",
                        scheduler.name(), id);
            }
        }
    }

    /** Whether a job of array {@code a} started (its nodes file is there) though the queue does not know it. */
    private boolean ran(RunRecord.Round round, ArraySplit split, int a) throws IOException, InterruptedException {
        String sh = "cd \"$1\" || exit 1; i=$2; while [ \"$i\" -lt \"$3\" ]; do [ -e job-$i.nodes ] && exit 0; i=$((i + 1)); done; exit 1";
        return s.t.exec(List.of("sh", "-c", sh, "sh", round.jobDir(), Integer.toString(split.offset(a)),
                Integer.toString(split.offset(a) + split.size(a))), Engine.COMMAND_TIMEOUT).ok();
    }

    @Override
    public String pollLines() {
        return "";
    }

    @Override
    public boolean started(RunRecord.Round round, int j) {
        return round.split().arrayOf(j) < round.jobIds().size();
    }

    @Override
    public QueueAnswer ask(RunRecord.Round round, JobFiles files) throws IOException, InterruptedException {
        if (round.jobIds().isEmpty()) {
            return QueueAnswer.of(Map.of());
        }
        ExecResult r;
        try {
            r = s.t.exec(scheduler.statusCommand(round.jobIds()), queryTimeout);
        } catch (org.pvrun.transport.ExecTimeoutException e) {
            // a hung squeue (slurmctld stuck, a broken wrapper) is stopped and counts as no answer: the jobs'
            // exit files still end the round, so a queue that never answers cannot hold pvrun for ever
            unreadable("did not answer within " + org.pvrun.spec.Durations.human(queryTimeout) + " (" + QUERY_TIMEOUT_ENV
                    + ") and was stopped", e.partial());
            return QueueAnswer.failed();
        }
        s.trace("status query");
        if (!r.ok() && r.stdout().isBlank()) {
            if (s.o.verbose()) {
                s.o.err().println("pvrun: status query failed; judging by the exit files this round:\n" + r.evidence());
            }
            return QueueAnswer.failed();
        }
        Map<String, JobState> states;
        try {
            states = scheduler.isQueue(r.stdout()) ? scheduler.parseStatus(r.stdout()) : null;
        } catch (RuntimeException e) {
            states = null;
        }
        if (states == null) {
            // output, but no queue: not "all jobs gone", which would end them without their exit files
            unreadable("printed nothing pvrun can read as a queue", r);
            return QueueAnswer.failed();
        }
        Map<String, String> reasons = scheduler.parsePendingReasons(r.stdout());
        Map<String, String> ends = scheduler.parseEndDetails(r.stdout());
        Map<Integer, JobState> out = new HashMap<>();
        Map<Integer, String> why = new HashMap<>();
        Map<Integer, String> how = new HashMap<>();
        for (int j = 0; j < round.jobs().size(); j++) {
            if (!started(round, j)) {
                continue;
            }
            String element = elementName(round, j);
            JobState st = states.get(element);
            if (st != null) {
                out.put(j, st);
            }
            if (reasons.containsKey(element)) {
                why.put(j, reasons.get(element));
            }
            if (ends.containsKey(element)) {
                how.put(j, ends.get(element));
            }
        }
        return QueueAnswer.of(out, why, how);
    }

    /** Says once (and every time with --verbose) that the status query's answer is not taken, with its evidence. */
    private void unreadable(String what, ExecResult evidence) {
        if (!toldUnreadable || s.o.verbose()) {
            s.o.err().println("pvrun: the status query on " + s.target.name() + " " + what
                    + "; not taken as an answer, the jobs are judged by their exit files until it answers:\n"
                    + evidence.evidence().stripTrailing());
            toldUnreadable = true;
        }
    }

    @Override
    public void keepGoing(RunRecord.Round round, JobFiles files) {
        // the scheduler starts the array's elements itself
    }

    @Override
    public JobState history(RunRecord.Round round) throws IOException, InterruptedException {
        List<String> cmd = scheduler.historyCommand(round.jobIds());
        if (cmd == null) {
            return null;
        }
        ExecResult r = s.t.exec(cmd, Engine.COMMAND_TIMEOUT);
        if (!r.ok()) {
            return null; // accounting disabled (sacct: "Slurm accounting storage is disabled")
        }
        var first = scheduler.parseHistory(r.stdout()).get(round.jobIds().get(0));
        return first == null ? null : first.state();
    }

    @Override
    public String elementName(RunRecord.Round round, int j) {
        if (!started(round, j)) {
            return "(not submitted)";
        }
        ArraySplit split = round.split();
        int a = split.arrayOf(j);
        return scheduler.elementId(round.jobIds().get(a), split.indexInArray(j), split.size(a));
    }

    @Override
    public boolean mayHaveSubmitted() {
        return true;
    }

    /**
     * scancel (qdel), then the queue asked until none of the round's jobs is pending or running: what the user
     * reads is what the scheduler said afterwards, not what pvrun hoped. The cancel command's own failure is no
     * proof either way (the connection may have dropped after it reached the scheduler): the queue decides.
     */
    @Override
    public Cancelling.Outcome cancel(RunRecord.Round round) throws IOException, InterruptedException {
        List<String> ids = round.jobIds();
        List<String> cancel = scheduler.cancelCommand(ids);
        ExecResult r = s.t.exec(cancel, Duration.ofSeconds(20));
        String tool = scheduler.statusCommand(ids).get(0);
        long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
        while (true) {
            QueueAnswer a = ask(round, null);
            List<String> left = new ArrayList<>();
            for (int j = 0; j < round.jobs().size(); j++) {
                JobState st = a.state(j);
                if (st != null && !st.isTerminal() && st != JobState.UNKNOWN) {
                    left.add(elementName(round, j));
                }
            }
            if (a.answered() && left.isEmpty()) {
                return Cancelling.Outcome.confirmed(ids, tool);
            }
            if (System.nanoTime() > deadline) {
                String said = r.ok() ? "" : "; " + cancel.get(0) + " said:\n" + r.evidence().strip();
                return a.answered() ? Cancelling.Outcome.failed(ids, "still in the queue: " + String.join(", ", left) + said, cancel)
                        : Cancelling.Outcome.failed(ids, tool + " did not answer" + said, cancel);
            }
            Thread.sleep(500);
        }
    }
}
