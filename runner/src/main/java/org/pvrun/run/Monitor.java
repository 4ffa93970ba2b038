package org.pvrun.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.pvrun.job.JobEnd;
import org.pvrun.job.JobJudge;
import org.pvrun.job.PollCadence;
import org.pvrun.job.QueueAnswer;
import org.pvrun.job.TaskCounts;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.scheduler.JobState;
import org.pvrun.transport.Transport;

/**
 * Monitor: one loop follows a round's jobs to their ends (reading every job's files in one command per poll,
 * asking the tracker at most once per poll interval, {@link JobJudge} deciding), records how each ended, and
 * starts a retry round while attempts are left. Interrupted, it cancels what still runs and hands over to
 * collect, which keeps every task that had finished.
 */
final class Monitor {
    private final Session s;

    Monitor(Session s) {
        this.s = s;
    }

    /** Follows the last round to its end, starts retry rounds while attempts are left, then collects. */
    RunResult followRounds() throws IOException, InterruptedException {
        Progress progress = new Progress(s.o.out(), System.console() != null && s.o.out() == System.out, s.o.quiet());
        while (!s.liveRounds.isEmpty()) {
            RunRecord.Round round = s.lastRound();
            Map<Integer, JobEnd> ends = monitor(round, progress);
            if (s.detachNow) {
                break;
            }
            if (Interruption.interrupted() || RunRecord.CANCELLED.equals(s.rec.state())) {
                progress.end();
                // this thread owns the connection: cancelling here, not in the shutdown hook, keeps the session
                // open under scancel (closing it there made 3 of 4 cancels report a closed channel)
                try {
                    Cancelling.Outcome out = Cancelling.cancel(s);
                    if (out != null) {
                        s.o.err().println(out.line());
                    }
                } catch (IOException | RuntimeException e) {
                    // still collect what had finished; say how to finish the cancel
                    s.o.err().println(Cancelling.Outcome.failed(round.jobIds(), e.getMessage(),
                            s.scheduler.cancelCommand(round.jobIds())).line());
                }
                break;
            }
            // the verdicts the last poll read: the round ended on them; read once more if some are missing (a
            // job the scheduler saw end may have written a verdict after that poll read the files)
            Map<Integer, Integer> codes = s.lastTaskCodes;
            if (!codes.keySet().containsAll(round.jobs().stream().flatMap(List::stream).toList())) {
                codes = JobFiles.read(s, round).taskCodes;
            }
            List<Integer> failed = recordRound(round, ends, codes);
            List<Integer> stopped = new ArrayList<>();
            List<Integer> retried = new ArrayList<>();
            boolean animation = s.rec.spec().animation() != null;
            for (int idx : failed) {
                List<Manifest.AttemptRecord> tries = s.attempts.getOrDefault(idx, List.of());
                long stops = animation ? tries.stream().filter(Monitor::stoppedAtWallTime).count() : 0;
                if (animation && !tries.isEmpty() && stoppedAtWallTime(tries.get(tries.size() - 1))) {
                    if (stops <= s.rec.spec().animation().requeue()) {
                        stopped.add(idx);
                    }
                } else if (tries.size() - stops <= s.rec.spec().retries()) {
                    retried.add(idx);
                }
            }
            if (stopped.isEmpty() && retried.isEmpty()) {
                break;
            }
            progress.end();
            if (!s.o.quiet() && !stopped.isEmpty()) {
                s.o.out().printf("pvrun: %d task%s stopped at the job's wall time; submitting the rest of %s frames%n",
                        stopped.size(), stopped.size() == 1 ? "" : "s", stopped.size() == 1 ? "its" : "their");
            }
            if (!s.o.quiet() && !retried.isEmpty()) {
                s.o.out().printf("pvrun: retrying %d failed task%s (attempt %d of %d)%n", retried.size(),
                        retried.size() == 1 ? "" : "s", round.number() + 1, s.rec.spec().retries() + 1);
            }
            List<Integer> again = new ArrayList<>(stopped);
            again.addAll(retried);
            again.sort(null);
            Submission.newRound(s, again);
        }
        progress.end();
        return new Collect(s).collect();
    }

    /** An attempt of a split animation task that stopped at its wall time with frames left (the driver's 75). */
    static boolean stoppedAtWallTime(Manifest.AttemptRecord a) {
        return a.exitCode() != null && a.exitCode() == Session.STOPPED_AT_WALL_TIME;
    }

    /** Records the round's verdicts and job ends as attempts and in run.json; returns the tasks that failed. */
    private List<Integer> recordRound(RunRecord.Round round, Map<Integer, JobEnd> ends, Map<Integer, Integer> codes)
            throws IOException {
        List<Integer> failed = new ArrayList<>();
        Map<String, Integer> roundCodes = new TreeMap<>();
        Map<String, String> jobEnds = new TreeMap<>();
        for (int j = 0; j < round.jobs().size(); j++) {
            String elem = s.tracker.elementName(round, j);
            JobEnd end = ends.getOrDefault(j, new JobEnd.Vanished(null));
            jobEnds.put(Integer.toString(j), end.recorded());
            for (int idx : round.jobs().get(j)) {
                Integer c = codes.get(idx);
                roundCodes.put(Task.id(idx), c);
                s.attempts.computeIfAbsent(idx, k -> new ArrayList<>()).add(new Manifest.AttemptRecord(round.number(),
                        elem, c, c == null ? end.reason(elem) : c == 0 ? null : s.reasonFor(c)));
                if (c == null || c != 0) {
                    failed.add(idx);
                }
            }
        }
        s.replaceLastRound(round.with(round.jobIds(), roundCodes, jobEnds));
        return failed;
    }

    /** Polls a round until every job has ended; returns how each ended (job index → end). */
    Map<Integer, JobEnd> monitor(RunRecord.Round round, Progress progress) throws IOException, InterruptedException {
        Transport.Watch watch;
        try {
            watch = s.t.watch(List.of(s.rec.remoteDir() + "/status", round.jobDir()));
        } catch (IOException e) {
            watch = null; // no inotify to spare (fs.inotify.max_user_instances): poll instead
        }
        Watching news = new Watching(watch, round);
        try {
            return monitor(round, progress, news);
        } finally {
            news.close();
        }
    }

    /**
     * What wakes the monitor: inotify here; on a remote host a command there that waits for the jobs' exit files
     * (a job's end seen in well under a second, the scheduler still asked once per interval; the verdicts are
     * read at the interval). That watch stops when its command fails and never reconnects by itself: a new one
     * is started after one of the monitor's own reads has worked, at most once per interval.
     */
    private final class Watching {
        /** No inotify watch: the host is remote (or this machine had no inotify instance to spare). */
        private final boolean remote;
        private final RunRecord.Round round;
        private Transport.Watch watch;
        private long started;

        Watching(Transport.Watch local, RunRecord.Round round) throws IOException {
            this.remote = local == null;
            this.round = round;
            this.watch = local;
            if (remote) {
                start();
            }
        }

        private void start() throws IOException {
            watch = s.t.watchExits(round.jobDir(), s.target.poll());
            started = System.nanoTime();
        }

        /** After a read that worked: a stopped remote watch is started again. */
        void readWorked() throws IOException {
            if (remote && watch != null && !watch.working() && System.nanoTime() - started >= s.target.poll().toNanos()) {
                watch.close();
                start();
            }
        }

        Transport.Watch current() {
            return watch != null && watch.working() ? watch : null;
        }

        void close() throws IOException {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private Map<Integer, JobEnd> monitor(RunRecord.Round round, Progress progress, Watching watching)
            throws IOException, InterruptedException {
        Map<Integer, JobEnd> ends = new HashMap<>();
        JobJudge judge = new JobJudge();
        PollCadence cadence = new PollCadence(s.target.poll());
        Counts counts = new Counts(s.rec.tasks().size(), s.reusedOutputs.size(), round);
        long began = System.nanoTime();
        long nextQuery = began;
        QueueAnswer states = QueueAnswer.failed();
        LiveSheet live = new LiveSheet(s);
        while (!Interruption.interrupted() && !s.detachNow) {
            JobFiles files = JobFiles.read(s, round);
            s.lastTaskCodes = files.taskCodes;
            s.trace("poll");
            watching.readWorked();
            // once per poll interval: the scheduler's answer (or, without one, which job processes are alive)
            // is taken and a job missing from it counted by the gone rule; polls woken early between these
            // only look for exit files and verdicts (a job just started has no pid file for a moment)
            boolean queried = System.nanoTime() - nextQuery >= 0;
            if (queried) {
                states = s.tracker.ask(round, files);
                nextQuery = System.nanoTime() + s.target.poll().toNanos();
                if (endedUnseen(states, files, ends)) {
                    // a job writes its exit file before it ends, but the files were read before the query that
                    // saw it end: read them again, so that its own exit status is its verdict
                    files = JobFiles.read(s, round);
                    s.lastTaskCodes = files.taskCodes;
                }
            }
            for (int j = 0; j < round.jobs().size(); j++) {
                if (ends.containsKey(j)) {
                    continue;
                }
                JobEnd end = judge.judge(new JobJudge.Look(j, files.exits.get(j),
                        files.taskCodes.keySet().containsAll(round.jobs().get(j)), s.tracker.started(round, j)),
                        queried ? states : null);
                if (end instanceof JobEnd.Vanished v && v.past() == null) {
                    end = new JobEnd.Vanished(s.tracker.history(round));
                }
                if (end != null) {
                    ends.put(j, end);
                    s.trace("job " + j + " ended (" + end.recorded() + "), seen at " + System.currentTimeMillis() + " ms");
                }
            }
            if (queried) {
                counts.heard(states);
            }
            counts.show(progress, files, ends);
            live.update(files);
            if (ends.size() == round.jobs().size()) {
                return ends;
            }
            s.tracker.keepGoing(round, files);
            Transport.Watch news = watching.current();
            sleep(cadence.nap(Duration.ofNanos(System.nanoTime() - began), news != null), news);
        }
        return ends;
    }

    /**
     * The progress line's counts for one round. A job once seen running counts as running until it ends: its tasks
     * without a started marker are waiting, those with one running, and those without a verdict then failed; a
     * job that leaves the queue is not pending again, so no count goes backwards (a killed job used to show
     * {@code 0 pending, 1 running} then {@code 1 pending, 0 running}). A started task is running even before the
     * next status query sees its job run. The pending reason is the scheduler's last word on the jobs still pending.
     */
    static final class Counts {
        final int total;
        final int reused;
        final RunRecord.Round round;
        final Set<Integer> running = new HashSet<>();
        Map<Integer, String> reasons = Map.of();

        Counts(int total, int reused, RunRecord.Round round) {
            this.total = total;
            this.reused = reused;
            this.round = round;
        }

        /** Takes what a status query said: the jobs it saw running, and the reasons of those still pending. */
        void heard(QueueAnswer states) {
            if (!states.answered()) {
                return; // a failed query keeps the last reasons
            }
            for (int j = 0; j < round.jobs().size(); j++) {
                if (states.state(j) == JobState.RUNNING) {
                    running.add(j);
                }
            }
            reasons = states.reasons();
        }

        void show(Progress progress, JobFiles files, Map<Integer, JobEnd> ends) {
            TaskCounts c = count(files.taskCodes, files.started, ends);
            if (!files.frames.isEmpty()) {
                // every task of a split animation knows the animation's frame count; each its own frames done
                int done = files.frames.values().stream().mapToInt(f -> f[0]).sum();
                int total = files.frames.values().stream().mapToInt(f -> f[1]).max().orElse(0);
                c = c.withFrames(Math.min(done, total), total);
            }
            progress.update(c);
        }

        TaskCounts count(Map<Integer, Integer> codes, Set<Integer> started, Map<Integer, JobEnd> ends) {
            int done = 0;
            int failed = 0;
            int run = 0;
            int waiting = 0;
            Set<String> why = new TreeSet<>();
            for (int j = 0; j < round.jobs().size(); j++) {
                for (int idx : round.jobs().get(j)) {
                    Integer c = codes.get(idx);
                    if (c != null) {
                        if (c == 0) {
                            done++;
                        } else {
                            failed++;
                        }
                    } else if (ends.containsKey(j)) {
                        failed++;
                    } else if (started.contains(idx)) {
                        run++;
                    } else if (running.contains(j)) {
                        waiting++;
                    } else if (reasons.containsKey(j)) {
                        why.add(reasons.get(j));
                    }
                }
            }
            int earlierDone = total - reused - round.jobs().stream().mapToInt(List::size).sum();
            int pending = total - reused - earlierDone - done - failed - run - waiting;
            return new TaskCounts(total, pending, waiting, run, done + earlierDone + reused, failed, reused,
                    why.isEmpty() ? null : String.join(", ", why));
        }
    }

    /** Whether the scheduler says a job failed that the files read before its answer show no exit for. */
    private static boolean endedUnseen(QueueAnswer states, JobFiles files, Map<Integer, JobEnd> ends) {
        for (Map.Entry<Integer, JobState> e : states.states().entrySet()) {
            JobState st = e.getValue();
            if (!ends.containsKey(e.getKey()) && !files.exits.containsKey(e.getKey())
                    && st != null && st.isTerminal() && st != JobState.COMPLETED) {
                return true;
            }
        }
        return false;
    }

    /** Sleeps for {@code d}, or less when {@code news} (if any) says a file appeared. */
    private void sleep(Duration d, Transport.Watch news) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!Interruption.interrupted() && !s.detachNow && System.nanoTime() < end) {
            long slice = Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000));
            if (news == null || !news.working()) {
                Thread.sleep(slice); // no watch, or it stopped while this slept
            } else if (news.await(slice)) {
                return;
            }
        }
    }
}
