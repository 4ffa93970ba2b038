package org.pvrun.run;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.job.QueueAnswer;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.NoScheduler;
import org.pvrun.transport.ExecResult;

/**
 * A round's jobs as processes pvrun starts itself, detached (scheduler "none"), as many at a time as the
 * slots allow: each job's id is its process id, its liveness the {@code kill -0} of its pid file read in the
 * poll's one command, its end its exit file.
 */
final class ProcessTracker implements JobTracker {
    private final Session s;
    private final NoScheduler none;

    ProcessTracker(Session s, NoScheduler none) {
        this.s = s;
        this.none = none;
    }

    @Override
    public void submit(RunRecord.Round round, int tasks) throws IOException, InterruptedException {
        if (!s.o.quiet() && s.target.isRemote()) {
            int jobs = round.jobs().size();
            s.o.out().printf("pvrun: %d task%s in %d job%s on %s%n", tasks, tasks == 1 ? "" : "s", jobs,
                    jobs == 1 ? "" : "s", s.target.name());
        }
        s.saveRounds();
        keepGoing(round, JobFiles.read(s, round));
    }

    @Override
    public void adopt() {
        // nothing to adopt: a job is started with its id recorded, never by a submission that can lose its answer
    }

    @Override
    public String pollLines() {
        return "for f in job-*.pid; do c=; " + JobFiles.READ + "kill -0 \"$c\" 2>/dev/null && printf 'A %s\\n' \"$f\"; done; ";
    }

    @Override
    public boolean started(RunRecord.Round round, int j) {
        return j < round.jobIds().size();
    }

    @Override
    public QueueAnswer ask(RunRecord.Round round, JobFiles files) {
        Map<Integer, JobState> out = new HashMap<>();
        for (int j = 0; j < round.jobIds().size(); j++) {
            out.put(j, files.alive.contains(j) ? JobState.RUNNING : JobState.UNKNOWN);
        }
        return QueueAnswer.of(out);
    }

    /** Starts jobs not yet started, as many as the slots allow. */
    @Override
    public void keepGoing(RunRecord.Round round, JobFiles files) throws IOException, InterruptedException {
        int limit = s.slots();
        int running = 0;
        for (int i = 0; i < round.jobIds().size(); i++) {
            if (!files.exits.containsKey(i) && files.alive.contains(i)) {
                running++;
            }
        }
        boolean changed = false;
        while (round.jobIds().size() < round.jobs().size() && running < limit && !Interruption.interrupted()) {
            int i = round.jobIds().size();
            ExecResult r = s.t.execOnce(none.submitElementCommand(round.jobDir() + "/job.sh", i), Engine.COMMAND_TIMEOUT);
            if (!r.ok()) {
                throw PvrunException.environment("cannot start job " + i + " on " + s.target.name() + ":\n" + r.evidence());
            }
            round.jobIds().add(none.parseJobId(r.stdout()));
            files.alive.add(i);
            running++;
            changed = true;
        }
        if (changed) {
            s.saveRounds();
        }
    }

    @Override
    public JobState history(RunRecord.Round round) {
        return null; // the process table forgets a process at once
    }

    @Override
    public String elementName(RunRecord.Round round, int j) {
        return j < round.jobIds().size() ? round.jobIds().get(j) : "(not started)";
    }

    @Override
    public boolean mayHaveSubmitted() {
        return false;
    }

    /**
     * SIGTERM to the session of each job that has not ended (no exit file), then waits (bounded) until no process
     * of them is left, SIGKILL after 5 s. A job that ended is never signalled: its pid may belong to another
     * process by now. Null when every job had ended.
     */
    @Override
    public Cancelling.Outcome cancel(RunRecord.Round round) throws IOException, InterruptedException {
        JobFiles files = JobFiles.read(s, round);
        List<String> pids = new java.util.ArrayList<>();
        for (int j = 0; j < round.jobIds().size(); j++) {
            if (!files.exits.containsKey(j)) {
                pids.add(round.jobIds().get(j));
            }
        }
        if (pids.isEmpty()) {
            return null;
        }
        s.t.exec(none.cancelCommand(pids), Engine.COMMAND_TIMEOUT);
        for (int i = 0; i < 100; i++) {
            ExecResult r = s.t.exec(List.of("sh", "-c", NoScheduler.aliveSessions(pids)), Engine.COMMAND_TIMEOUT);
            List<String> alive = r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (alive.isEmpty()) {
                return Cancelling.Outcome.confirmed(pids, "the process table");
            }
            if (i == 50) {
                s.t.exec(List.of("sh", "-c", NoScheduler.signalAll(alive, "KILL")), Engine.COMMAND_TIMEOUT);
            }
            Thread.sleep(100);
        }
        return Cancelling.Outcome.failed(pids, "processes left after SIGKILL", List.of("sh", "-c",
                NoScheduler.signalAll(pids, "KILL")));
    }
}
