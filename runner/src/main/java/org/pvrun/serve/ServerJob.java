package org.pvrun.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.pvrun.job.GoneRule;
import org.pvrun.PvrunException;
import org.pvrun.run.Interruption;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.util.Shell;

/**
 * The pvserver job of a session: submitted through the target's scheduler into the session directory, watched
 * (pvserver's output, its exit file, the queue) until pvserver is ready or the job ends, and cancelled at the end.
 * All of it runs on the session's thread, so the cancel never races the closing of the connection it travels on.
 */
final class ServerJob {
    /** How often the job's output is read while waiting for pvserver to listen; the queue is asked every poll. */
    private static final Duration OUTPUT_POLL = Duration.ofSeconds(1);
    /** How long a cancelled job may take to leave the queue before pvrun stops waiting for it. */
    private static final Duration GONE_WAIT = Duration.ofSeconds(10);
    /** Consecutive failed looks at the job (connection trouble) after which the session gives up. */
    private static final int MAX_FAILED_LOOKS = 5;
    /** The job output lines the session reads: pvserver's state, not ParaView's chatter. */
    private static final String INTERESTING = "Accepting connection|Client connected";

    /** Why a wait ended. */
    enum Reason { READY, ENDED, INTERRUPTED }

    /** Work between two looks at the job, such as forwarding a port again after the connection dropped. */
    interface Tick {
        void run() throws IOException, InterruptedException;
    }

    /** One look at the job: pvserver's lines so far, its exit file, and what the queue says. */
    private record Look(String output, String exit, JobState state, boolean queueKnown) {}

    private final ServeOptions o;
    private final Target target;
    private final Scheduler scheduler;
    private final TargetCommands commands;
    private final String sessionDir;

    private String jobId;
    private String endedHow;     // set once the job is over: "exit 0", "scheduler state failed", ...
    private String exitStatus;   // the job's exit file, when it wrote one
    private PvserverOutput.Address server;
    private boolean clientAnnounced;
    private final GoneRule gone = new GoneRule();
    private int failedLooks;
    private JobState lastState;

    ServerJob(TargetCommands commands, Scheduler scheduler, String sessionDir) {
        this.o = commands.options();
        this.target = commands.target();
        this.commands = commands;
        this.scheduler = scheduler;
        this.sessionDir = sessionDir;
    }

    String id() {
        return jobId;
    }

    boolean ended() {
        return endedHow != null;
    }

    /** How the job ended ("exit 0", "scheduler state failed", ...). */
    String endedHow() {
        return endedHow;
    }

    /** True once the job wrote exit status 0: pvserver ended because its client disconnected. */
    boolean exitedWell() {
        return "0".equals(exitStatus);
    }

    /** Where pvserver listens, once it said so. */
    PvserverOutput.Address server() {
        return server;
    }

    String outputFile() {
        return sessionDir + "/jobs/job-0.out";
    }

    /** Writes the job script into the session directory and submits it; does nothing after Ctrl-C. */
    void submit(List<String> serverArgs) throws IOException, InterruptedException {
        List<String> launch = PvserverJob.launch(target, o.ranks(), serverArgs);
        JobSpec job = PvserverJob.jobSpec(target, o.ranks(), o.time(), sessionDir, launch);
        String script = scheduler.renderJobScript(job);
        commands.check(commands.exec(List.of("mkdir", "-p", "-m", "700", sessionDir)), "create the session directory");
        commands.check(commands.exec(List.of("mkdir", "-p", sessionDir + "/jobs")), "create the session directory");
        Path local = Files.createTempFile("pvrun-serve-", ".sh");
        try {
            Files.writeString(local, script);
            commands.transport().upload(local, sessionDir + "/jobs/job.sh");
        } finally {
            Files.deleteIfExists(local);
        }
        if (Interruption.interrupted()) {
            return;
        }
        ExecResult r = commands.execOnce(scheduler.submitCommand(sessionDir + "/jobs/job.sh"));
        if (!r.ok()) {
            throw PvrunException.environment("the " + scheduler.name() + " submission failed on " + target.name()
                    + ":\n" + r.evidence());
        }
        try {
            jobId = scheduler.parseJobId(r.stdout());
        } catch (IllegalArgumentException e) {
            throw PvrunException.environment("cannot read the job id: " + e.getMessage() + "\n" + r.evidence());
        }
        o.info("pvrun: submitted " + scheduler.name() + " job " + jobId + " on " + target.name() + ": " + Shell.join(launch));
        o.info("pvrun: session directory " + target.name() + ":" + sessionDir);
    }

    /**
     * Polls the job until {@code ready} holds for pvserver's output (null: never), the job ends, or Ctrl-C; runs
     * {@code tick} after every look. The output file is read every second until ready, the queue once per poll
     * interval.
     */
    Reason await(Predicate<String> ready, Tick tick) throws IOException, InterruptedException {
        if (jobId == null) {
            return Interruption.interrupted() ? Reason.INTERRUPTED : Reason.ENDED;
        }
        Duration poll = target.poll();
        Duration step = ready == null ? poll : (poll.compareTo(OUTPUT_POLL) < 0 ? poll : OUTPUT_POLL);
        long nextQueue = 0;
        while (!Interruption.interrupted()) {
            boolean askQueue = System.nanoTime() - nextQueue >= 0;
            if (askQueue) {
                nextQueue = System.nanoTime() + poll.toNanos();
            }
            Look look;
            try {
                look = look(askQueue);
                failedLooks = 0;
            } catch (IOException e) {
                if (++failedLooks >= MAX_FAILED_LOOKS) {
                    throw e;
                }
                o.detail("pvrun: cannot look at job " + jobId + " this round: " + e.getMessage());
                nextQueue = 0;
                pause(step);
                continue;
            }
            report(look);
            if (ready != null && ready.test(look.output())) {
                return Reason.READY;
            }
            if (judge(look, askQueue)) {
                return Reason.ENDED;
            }
            if (tick != null) {
                tick.run();
            }
            pause(step);
        }
        return Reason.INTERRUPTED;
    }

    /** Says what changed: the job's state in the queue, pvserver listening, a client connected. */
    private void report(Look look) {
        if (look.state() != null && look.state() != lastState) {
            lastState = look.state();
            o.info("pvrun: job " + jobId + " " + look.state().name().toLowerCase());
        }
        if (server == null) {
            server = PvserverOutput.accepting(look.output());
        }
        if (!clientAnnounced && PvserverOutput.clientConnected(look.output())) {
            clientAnnounced = true;
            o.info(o.reverse() ? "pvrun: pvserver connected back to the client (job " + jobId + ")"
                    : "pvrun: a client is connected");
        }
    }

    /** Judges the job over the way the batch engine does: its exit file, else the queue, as often as {@link GoneRule} says. */
    private boolean judge(Look look, boolean askedQueue) {
        if (look.exit() != null) {
            exitStatus = look.exit();
            endedHow = "exit " + look.exit();
            return true;
        }
        // without a scheduler the "queue" is the process table (NoScheduler's status query): the same rule
        if (!askedQueue || !look.queueKnown()) {
            return false;
        }
        JobState s = look.state();
        if (s != null && s.isTerminal() && s != JobState.COMPLETED) {
            endedHow = "scheduler state " + s.name().toLowerCase();
            return true;
        }
        if (s == null || s == JobState.UNKNOWN || s == JobState.COMPLETED) {
            if (gone.missed(jobId)) {
                endedHow = "without writing its exit status: killed, out of time or a node failure";
                return true;
            }
            return false;
        }
        gone.seen(jobId);
        return false;
    }

    private Look look(boolean withQueue) throws IOException, InterruptedException {
        String sh = "cd " + Shell.quote(sessionDir + "/jobs") + " 2>/dev/null || exit 0; "
                + "[ -f job-0.out ] && grep -a -E " + Shell.quote(INTERESTING) + " job-0.out | head -n 20; "
                + "[ -f job-0.exit ] && printf 'pvrun-exit %s\\n' \"$(cat job-0.exit)\"; "
                + "exit 0";
        ExecResult r = commands.exec(List.of("sh", "-c", sh));
        StringBuilder out = new StringBuilder();
        String exit = null;
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("pvrun-exit ")) {
                exit = line.substring("pvrun-exit ".length()).strip();
            } else {
                out.append(line).append('\n');
            }
        }
        JobState state = null;
        boolean known = false;
        if (withQueue) {
            Map<String, JobState> states = queue();
            if (states != null) {
                known = true;
                state = states.get(scheduler.elementId(jobId, 0, 1));
            }
        }
        return new Look(out.toString(), exit, state, known);
    }

    /** The queue's states, or null when the query failed (a controller restarting is not an answer). */
    private Map<String, JobState> queue() throws IOException, InterruptedException {
        ExecResult r = commands.exec(scheduler.statusCommand(List.of(jobId)));
        if (!r.ok() && r.stdout().isBlank()) {
            o.detail("pvrun: status query failed:\n" + r.evidence());
            return null;
        }
        return scheduler.parseStatus(r.stdout());
    }

    /** The last lines of the job's output, indented, for a message. */
    String tail() {
        try {
            ExecResult r = commands.exec(List.of("tail", "-n", "25", outputFile()));
            String text = r.ok() ? r.stdout() : "(no output: " + r.stderr().strip() + ")";
            return text.isBlank() ? "    (no output)" : text.strip().replaceAll("(?m)^", "    ");
        } catch (IOException e) {
            return "    (cannot read it: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "    (interrupted)";
        }
    }

    /** Cancels the job unless it already ended, and waits for it to leave the queue; says so on stderr. */
    void cancel(boolean interrupted) {
        if (jobId == null) {
            return;
        }
        try {
            if (endedHow == null) {
                ExecResult r = commands.query(scheduler.cancelCommand(List.of(jobId)), Duration.ofSeconds(20));
                String note = r.ok() ? "" : " (the cancel command said: " + r.stderr().strip() + ")";
                o.err().println("pvrun: " + (interrupted ? "interrupted; " : "") + "cancelled job " + jobId + note);
            }
            awaitGone();
        } catch (IOException | RuntimeException e) {
            o.err().println("pvrun: could not cancel job " + jobId + ": " + e.getMessage()
                    + "\n  end it yourself: " + cancelLine());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Until the queue no longer holds the job pending, running or completing (at most {@link #GONE_WAIT}). */
    private void awaitGone() throws InterruptedException {
        long deadline = System.nanoTime() + GONE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Map<String, JobState> states = queue();
                JobState s = states == null ? JobState.RUNNING : states.get(scheduler.elementId(jobId, 0, 1));
                if (s == null || s.isTerminal()) {
                    return;
                }
            } catch (IOException e) {
                // no answer this round; ask again
            }
            Thread.sleep(250);
        }
        o.err().println("pvrun: job " + jobId + " is still in the queue " + GONE_WAIT.toSeconds() + " s after it was"
                + " cancelled; check with the scheduler");
    }

    /** The scheduler's cancel command, as typed on this machine (through ssh for a remote target). */
    String cancelLine() {
        List<String> cancel = scheduler.cancelCommand(List.of(jobId));
        return Shell.join(target.isRemote() ? SshCommandLine.of(target, cancel) : cancel);
    }

    /** Sleeps {@code d}, cut short by Ctrl-C (checked every 100 ms). */
    static void pause(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!Interruption.interrupted() && System.nanoTime() < end) {
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }
}
