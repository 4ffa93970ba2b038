package org.pvrun.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.job.QueueAnswer;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.transport.ExecResult;

/**
 * A round as one array job of a batch scheduler (Slurm, PBS): submitted once and never again after a dropped
 * connection (a lost answer is adopted by the job's script path), followed by one status query per poll.
 */
final class QueueTracker implements JobTracker {
    /** How long a cancelled job may take to leave the queue before pvrun reports what it last saw. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(15);

    private final Session s;
    private final Scheduler scheduler;

    QueueTracker(Session s) {
        this.s = s;
        this.scheduler = s.scheduler;
    }

    @Override
    public void submit(RunRecord.Round round, int tasks) throws IOException, InterruptedException {
        s.saveRounds(); // recorded as being submitted: a lost answer is looked for later (adopt)
        String id = submitScript(round.jobDir() + "/job.sh");
        round.jobIds().add(id);
        if (!s.o.quiet()) {
            int jobs = round.jobs().size();
            s.o.out().printf("pvrun: submitted %s job %s on %s (%d task%s in %d job%s)%n", scheduler.name(), id,
                    s.target.name(), tasks, tasks == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s");
        }
        s.saveRounds();
    }

    /** Submits a job script; sbatch and qsub are never repeated after a dropped connection (Transport.execOnce). */
    private String submitScript(String script) throws IOException, InterruptedException {
        ExecResult r = s.t.execOnce(scheduler.submitCommand(script), Engine.COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw PvrunException.environment("the " + scheduler.name() + " submission failed on " + s.target.name()
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
    @Override
    public void adopt() throws IOException, InterruptedException {
        RunRecord.Round round = s.lastRound();
        if (round == null || !round.jobIds().isEmpty() || round.exitCodes() != null) {
            return;
        }
        String script = round.jobDir() + "/job.sh";
        String id = null;
        if (scheduler.jobScriptsCommand() != null) {
            id = scheduler.parseJobScripts(s.check(s.t.exec(scheduler.jobScriptsCommand(), Engine.COMMAND_TIMEOUT),
                    "list the jobs").stdout(), script);
        }
        if (id == null && s.t.exec(List.of("sh", "-c", "ls \"$1\"/job-*.nodes", "sh", round.jobDir()),
                Engine.COMMAND_TIMEOUT).ok()) {
            id = "unknown"; // it ran and the queue forgot it: its exit and verdict files tell the rest
        }
        if (id == null) {
            id = submitScript(script);
        }
        if (!s.o.quiet()) {
            s.o.out().printf("pvrun: round %d %s %s job %s%n", round.number(), id.equals("unknown") ? "ran as an unrecorded"
                    : "is", scheduler.name(), id);
        }
        s.replaceLastRound(new RunRecord.Round(round.number(), round.jobDir(), round.jobs(),
                new ArrayList<>(List.of(id)), null, null));
    }

    @Override
    public String pollLines() {
        return "";
    }

    @Override
    public boolean started(RunRecord.Round round, int j) {
        return !round.jobIds().isEmpty();
    }

    @Override
    public QueueAnswer ask(RunRecord.Round round, JobFiles files) throws IOException, InterruptedException {
        if (round.jobIds().isEmpty()) {
            return QueueAnswer.of(Map.of());
        }
        ExecResult r = s.t.exec(scheduler.statusCommand(round.jobIds()), Engine.COMMAND_TIMEOUT);
        s.trace("status query");
        if (!r.ok() && r.stdout().isBlank()) {
            if (s.o.verbose()) {
                s.o.err().println("pvrun: status query failed; judging by the exit files this round:\n" + r.evidence());
            }
            return QueueAnswer.failed();
        }
        Map<String, JobState> states = scheduler.parseStatus(r.stdout());
        Map<String, String> reasons = scheduler.parsePendingReasons(r.stdout());
        Map<Integer, JobState> out = new HashMap<>();
        Map<Integer, String> why = new HashMap<>();
        String id = round.jobIds().get(0);
        for (int j = 0; j < round.jobs().size(); j++) {
            String element = scheduler.elementId(id, j, round.jobs().size());
            JobState st = states.get(element);
            if (st != null) {
                out.put(j, st);
            }
            if (reasons.containsKey(element)) {
                why.put(j, reasons.get(element));
            }
        }
        return QueueAnswer.of(out, why);
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
        if (round.jobIds().isEmpty()) {
            return "(not started)";
        }
        return scheduler.elementId(round.jobIds().get(0), j, round.jobs().size());
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
