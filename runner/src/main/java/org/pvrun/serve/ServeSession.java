package org.pvrun.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.run.Interruption;
import org.pvrun.run.Pvbatch;
import org.pvrun.run.RunIds;
import org.pvrun.scheduler.JobResources;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.transport.LocalTransport;
import org.pvrun.transport.Transport;
import org.pvrun.transport.Transports;
import org.pvrun.transport.ssh.SshTransport;
import org.pvrun.util.Shell;

/**
 * One interactive session (docs/serve.md): check the client's and the server's ParaView versions, submit
 * pvserver as a batch job through the target's scheduler, wait until it listens (or, reversed, until it has
 * dialled the client), forward a local port to it through the session's SSH connection, then wait until
 * pvserver exits (its client disconnected) or Ctrl-C. Whatever ends it, the job is cancelled (unless
 * {@code --detach} and Ctrl-C), the forwards are closed and the SSH session with them.
 *
 * <p>All cleanup runs on the engine's own thread: on Ctrl-C the shutdown hook only sets the flag that the
 * loops here check every 100 ms and waits for {@link #run} to finish, so the cancel command never races the
 * closing of the connection it travels on.
 */
public final class ServeSession {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    /** How often the job's output is read while waiting for pvserver to listen; the queue is asked every poll. */
    private static final Duration OUTPUT_POLL = Duration.ofSeconds(1);
    /** How long a cancelled job may take to leave the queue before pvrun stops waiting for it. */
    private static final Duration GONE_WAIT = Duration.ofSeconds(10);
    /** Ports tried from the default (or --port) upwards when the first is taken. */
    private static final int PORT_SEARCH = 100;
    /** Consecutive failed looks at the job (connection trouble) after which the session gives up. */
    private static final int MAX_FAILED_LOOKS = 5;
    /** The job output lines the engine reads: pvserver's state, not ParaView's chatter. */
    private static final String INTERESTING = "Accepting connection|Client connected";

    private final ServeOptions o;
    private final Target target;
    private final Scheduler scheduler;

    public ServeSession(ServeOptions options, Target target) {
        this.o = options;
        this.target = target;
        this.scheduler = Schedulers.forName(target.scheduler());
        try {
            JobResources.of(PvserverJob.resources(target, options.time()));
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid("target " + target.name() + ": " + e.getMessage());
        }
    }

    /** Runs the session; returns 0 when pvserver ended by itself, 130 after Ctrl-C. */
    public int run() {
        if (o.dryRun()) {
            printDryRun();
            return ExitCode.OK;
        }
        CountDownLatch done = new CountDownLatch(1);
        try (AutoCloseable hook = Interruption.awaitBeforeExit(done)) {
            try (Transport t = open()) {
                return new Live(t).run();
            }
        } catch (PvrunException e) {
            throw e;
        } catch (IOException e) {
            throw PvrunException.environment("on target " + target.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            done.countDown();
        }
    }

    /** SSH through JSch whatever the target's {@code transport:} says: the forwards ride on its session. */
    private Transport open() {
        if (!target.isRemote()) {
            return new LocalTransport();
        }
        SshTransport ssh = new SshTransport(Transports.sshOptions(target, o.acceptNewHostKey(), o.env()));
        ssh.connect();
        return ssh;
    }

    private Path pvscPath() {
        return o.pvsc() != null ? o.pvsc() : ServerConfigFile.defaultPath(target.name(), o.env());
    }

    private void info(String line) {
        if (!o.quiet()) {
            o.out().println(line);
        }
    }

    /** One look at the job: pvserver's lines so far, its exit file, and what the queue says. */
    private record Look(String output, String exit, JobState state, boolean queueKnown, boolean alive) {}

    /** Why a wait ended. */
    private enum Reason { READY, ENDED, INTERRUPTED }

    /** A session in progress: the state its steps share. */
    private final class Live {
        final Transport t;
        final SshTransport ssh;
        final String pvserver = ParaViewVersions.pvserver(target);
        String sessionDir;
        String jobId;
        String endedHow;     // set once the job is over: "exit 0", "scheduler state failed", ...
        String exitStatus;   // the job's exit file, when it wrote one
        Integer localForward;
        String remoteBind;
        Integer remoteForward;
        PvserverOutput.Address server;
        boolean clientAnnounced;
        int missing;
        int failedLooks;
        JobState lastState;

        Live(Transport t) {
            this.t = t;
            this.ssh = t instanceof SshTransport s ? s : null;
        }

        int run() throws IOException, InterruptedException {
            checkVersions();
            sessionDir = resolveWorkdir() + "/serve/" + RunIds.newId();
            try {
                int code = o.reverse() ? reverse() : forward();
                return Interruption.interrupted() ? ExitCode.INTERRUPTED : code;
            } finally {
                cleanup();
            }
        }

        // ------------------------------------------------------------ the two directions

        int forward() throws IOException, InterruptedException {
            if (o.port() != null && !LocalPorts.isFree(o.port())) {
                throw PvrunException.environment("local port " + o.port() + " is in use; pick another with --port,"
                        + " or leave --port out for the first free one from " + ServeOptions.DEFAULT_PORT);
            }
            submit(PvserverJob.serverArgs(pvserver, false, null, null));
            Reason r = await(out -> PvserverOutput.accepting(out) != null);
            if (r != Reason.READY) {
                return notReady(r);
            }
            String host;
            int port;
            if (ssh != null) {
                localForward = openLocalForward();
                host = "localhost";
                port = localForward;
            } else {
                host = server.host();
                port = server.port();
            }
            Path pvsc = pvscPath();
            ServerConfigFile.write(pvsc, ServerConfigFile.render(ServerConfigFile.serverName(target.name(), false),
                    false, host, port));
            info("pvrun: pvserver is listening on " + server + " (job " + jobId + ", " + o.ranks() + " rank"
                    + (o.ranks() == 1 ? "" : "s") + ")");
            if (ssh != null) {
                info("pvrun: forwarding localhost:" + localForward + " -> " + server + " through " + ssh.describe());
            }
            info("");
            o.out().println("pvrun: connect the ParaView client to " + host + ":" + port); // even with --quiet: the answer
            info("  GUI:      File > Connect > Add Server, Server Type 'Client / Server', Host " + host + ", Port " + port
                    + ",");
            info("            or Load Servers " + pvsc + " and connect to '"
                    + ServerConfigFile.serverName(target.name(), false) + "'");
            info("  pvpython: Connect('" + host + "', " + port + ")");
            info("");
            info(endHint());
            return waitForEnd();
        }

        int reverse() throws IOException, InterruptedException {
            int port = o.port() != null ? o.port() : ServeOptions.DEFAULT_PORT;
            String name = ServerConfigFile.serverName(target.name(), true);
            Path pvsc = pvscPath();
            ServerConfigFile.write(pvsc, ServerConfigFile.render(name, true, "localhost", port));
            o.out().println("pvrun: reverse connection: pvserver will connect back to a ParaView client listening on port "
                    + port);
            info("  GUI:      File > Connect > Load Servers " + pvsc + ", then connect to '" + name + "'");
            info("            (or Add Server, Server Type 'Client / Server (reverse connection)', Port " + port + ")");
            info("  pvpython: ReverseConnect('" + port + "')");
            if (!awaitClientListening(port)) {
                return ExitCode.INTERRUPTED;
            }
            String clientHost = o.clientHost();
            String serverPort;
            if (ssh != null) {
                // bind exactly the address the compute nodes will dial; loopback needs no GatewayPorts
                remoteBind = LocalPorts.isLoopback(clientHost) ? "127.0.0.1" : clientHost;
                remoteForward = ssh.forwardRemote(remoteBind, 0, "127.0.0.1", port);
                serverPort = Integer.toString(remoteForward);
                info("pvrun: remote forward " + remoteBind + ":" + remoteForward + " on " + target.name()
                        + " -> localhost:" + port + " here");
            } else {
                serverPort = Integer.toString(port);
            }
            submit(PvserverJob.serverArgs(pvserver, true, clientHost, serverPort));
            Reason r = await(PvserverOutput::clientConnected);
            if (r != Reason.READY) {
                return notReady(r);
            }
            info(endHint());
            return waitForEnd();
        }

        /** Until something listens on the client's port; false on Ctrl-C. */
        boolean awaitClientListening(int port) throws InterruptedException {
            if (!LocalPorts.isFree(port)) {
                return true;
            }
            info("pvrun: waiting for the client to listen on port " + port + " (the job is submitted then) ...");
            while (LocalPorts.isFree(port)) {
                if (Interruption.interrupted()) {
                    return false;
                }
                sleep(Duration.ofMillis(200));
            }
            return true;
        }

        int openLocalForward() throws IOException {
            if (o.port() != null) {
                return ssh.forwardLocal(o.port(), server.host(), server.port());
            }
            IOException last = null;
            for (int p = ServeOptions.DEFAULT_PORT; p < ServeOptions.DEFAULT_PORT + PORT_SEARCH; p++) {
                if (!LocalPorts.isFree(p)) {
                    continue;
                }
                try {
                    return ssh.forwardLocal(p, server.host(), server.port());
                } catch (IOException e) {
                    last = e; // taken in the meantime: try the next one
                }
            }
            throw PvrunException.environment("no free local port in " + ServeOptions.DEFAULT_PORT + "-"
                    + (ServeOptions.DEFAULT_PORT + PORT_SEARCH - 1) + "; choose one with --port"
                    + (last != null ? " (" + last.getMessage() + ")" : ""));
        }

        /** The job ended (or Ctrl-C) before pvserver was ready. */
        int notReady(Reason r) throws IOException, InterruptedException {
            if (r == Reason.INTERRUPTED) {
                return ExitCode.INTERRUPTED;
            }
            String what = o.reverse() ? "connected back to the client" : "listened";
            String hint = o.reverse() && ssh != null ? "\n  (a reverse connection needs the compute node to reach "
                    + o.clientHost() + ":" + remoteForward + " on " + target.name() + ": give --client-host the login"
                    + " node's address as the compute nodes see it, with GatewayPorts clientspecified in its sshd; see"
                    + " docs/serve.md)" : "";
            throw PvrunException.environment("pvserver did not start on " + target.name() + ": job " + jobId + " ended ("
                    + endedHow + ") before pvserver " + what + ". End of its output (" + sessionDir + "/jobs/job-0.out):\n"
                    + tail() + hint);
        }

        /** Waits for pvserver to end; 0 when it ended well (its client disconnected), 1 otherwise. */
        int waitForEnd() throws IOException, InterruptedException {
            Reason r = await(null);
            if (r == Reason.INTERRUPTED) {
                return ExitCode.INTERRUPTED;
            }
            if ("0".equals(exitStatus)) {
                info("pvrun: pvserver exited (its client disconnected); session over");
                return ExitCode.OK;
            }
            o.err().println("pvrun: the server job " + jobId + " ended (" + endedHow + "). End of its output ("
                    + sessionDir + "/jobs/job-0.out):\n" + tail());
            return ExitCode.TASK_FAILED;
        }

        String endHint() {
            String how = "pvrun: Ctrl-C ends the session; so does disconnecting the client (pvserver then exits).";
            if (o.detach()) {
                how = "pvrun: --detach: Ctrl-C closes the forward and leaves job " + jobId + " running; end it with: "
                        + cancelLine();
            }
            return how;
        }

        // ------------------------------------------------------------ steps

        void checkVersions() throws IOException, InterruptedException {
            if (o.ignoreVersion()) {
                info("pvrun: version check skipped (--ignore-version)");
                return;
            }
            ExecResult r = query(List.of("bash", "-c", setupPrefix() + Shell.join(List.of(pvserver, "--version"))));
            String server = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
            if (server == null) {
                throw PvrunException.environment("cannot run pvserver on target " + target.name() + " (set 'pvbatch:' to"
                        + " the pvbatch beside it, or the 'setup:' lines that load ParaView):\n" + r.evidence());
            }
            ParaViewVersions.LocalClient client = ParaViewVersions.localClient(o.env());
            if (client == null) {
                info("pvrun: no ParaView client (" + String.join(", ", ParaViewVersions.CLIENTS) + ") on PATH here to"
                        + " compare with; the server is ParaView " + server + ": connect with a "
                        + ParaViewVersions.majorMinor(server) + " client");
                return;
            }
            if (!ParaViewVersions.compatible(client.version(), server)) {
                throw PvrunException.environment("ParaView versions differ: the client here is " + client.version() + " ("
                        + client.program() + " --version) but the server on " + target.name() + " is " + server + " ("
                        + pvserver + " --version after the target's setup lines).\n"
                        + "A ParaView client connects only to a server of the same major.minor version.\n"
                        + "hint: install ParaView " + ParaViewVersions.majorMinor(server) + " here, load "
                        + ParaViewVersions.majorMinor(client.version()) + " on the target (its 'setup:' lines, e.g. module"
                        + " load paraview/" + client.version() + "), or pass --ignore-version to try anyway");
            }
            info("pvrun: ParaView " + client.version() + " here (" + client.program().getFileName() + "), " + server
                    + " on " + target.name() + " (" + pvserver + ")");
        }

        /**
         * Runs an idempotent command, once more if the first attempt failed to run at all: a connection
         * hiccup (or JSch's rare race when a command ends before its channel has started) is not the answer.
         */
        ExecResult query(List<String> argv) throws IOException, InterruptedException {
            return query(argv, COMMAND_TIMEOUT);
        }

        ExecResult query(List<String> argv, Duration timeout) throws IOException, InterruptedException {
            try {
                return t.exec(argv, timeout);
            } catch (ExecTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (o.verbose()) {
                    o.err().println("pvrun: retrying once: " + e.getMessage());
                }
                return t.exec(argv, timeout);
            }
        }

        String setupPrefix() {
            StringBuilder sb = new StringBuilder();
            target.setup().forEach(l -> sb.append(l).append('\n'));
            return sb.toString();
        }

        String resolveWorkdir() throws IOException, InterruptedException {
            String w = target.workdir() != null ? target.workdir() : "~/pvrun";
            if (w.startsWith("~/")) {
                ExecResult r = query(List.of("sh", "-c", "printf '%s' \"$HOME\""));
                if (!r.ok() || !r.stdout().startsWith("/")) {
                    throw PvrunException.environment("cannot find the home directory on " + target.name() + ":\n"
                            + r.evidence());
                }
                w = r.stdout().strip() + w.substring(1);
            } else if (!w.startsWith("/")) {
                w = Path.of(w).toAbsolutePath().normalize().toString(); // a local workdir relative to here
            }
            return w.endsWith("/") ? w.substring(0, w.length() - 1) : w;
        }

        void submit(List<String> serverArgs) throws IOException, InterruptedException {
            List<String> launch = PvserverJob.launch(target, o.ranks(), serverArgs);
            JobSpec job = PvserverJob.jobSpec(target, o.ranks(), o.time(), sessionDir, launch);
            String script = scheduler.renderJobScript(job);
            check(t.exec(List.of("mkdir", "-p", "-m", "700", sessionDir), COMMAND_TIMEOUT), "create the session directory");
            check(t.exec(List.of("mkdir", "-p", sessionDir + "/jobs"), COMMAND_TIMEOUT), "create the session directory");
            Path local = Files.createTempFile("pvrun-serve-", ".sh");
            try {
                Files.writeString(local, script);
                t.upload(local, sessionDir + "/jobs/job.sh");
            } finally {
                Files.deleteIfExists(local);
            }
            if (Interruption.interrupted()) {
                return;
            }
            ExecResult r = t.exec(scheduler.submitCommand(sessionDir + "/jobs/job.sh"), COMMAND_TIMEOUT);
            if (!r.ok()) {
                throw PvrunException.environment("the " + scheduler.name() + " submission failed on " + target.name()
                        + ":\n" + r.evidence());
            }
            try {
                jobId = scheduler.parseJobId(r.stdout());
            } catch (IllegalArgumentException e) {
                throw PvrunException.environment("cannot read the job id: " + e.getMessage() + "\n" + r.evidence());
            }
            info("pvrun: submitted " + scheduler.name() + " job " + jobId + " on " + target.name() + ": " + Shell.join(launch));
            info("pvrun: session directory " + target.name() + ":" + sessionDir);
        }

        /**
         * Polls the job until {@code ready} holds for pvserver's output (null: never), the job ends, or Ctrl-C.
         * The output file is read every second until ready, the queue once per poll interval.
         */
        Reason await(Predicate<String> ready) throws IOException, InterruptedException {
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
                    if (o.verbose()) {
                        o.err().println("pvrun: cannot look at job " + jobId + " this round: " + e.getMessage());
                    }
                    nextQueue = 0;
                    sleep(step);
                    continue;
                }
                if (look.state() != null && look.state() != lastState) {
                    lastState = look.state();
                    info("pvrun: job " + jobId + " " + look.state().name().toLowerCase());
                }
                if (server == null) {
                    server = PvserverOutput.accepting(look.output());
                }
                if (!clientAnnounced && PvserverOutput.clientConnected(look.output())) {
                    clientAnnounced = true;
                    info(o.reverse() ? "pvrun: pvserver connected back to the client (job " + jobId + ")"
                            : "pvrun: a client is connected");
                }
                if (ready != null && ready.test(look.output())) {
                    return Reason.READY;
                }
                if (ended(look, askQueue)) {
                    return Reason.ENDED;
                }
                sleep(step);
            }
            return Reason.INTERRUPTED;
        }

        /** Judges the job over the way the batch engine does: its exit file, else the queue, thrice. */
        boolean ended(Look look, boolean askedQueue) {
            if (look.exit() != null) {
                exitStatus = look.exit();
                endedHow = "exit " + look.exit();
                return true;
            }
            boolean none = scheduler.name().equals("none");
            if (none ? look.alive() : !askedQueue || !look.queueKnown()) {
                return false;
            }
            JobState s = look.state();
            if (!none && s != null && s.isTerminal() && s != JobState.COMPLETED) {
                endedHow = "scheduler state " + s.name().toLowerCase();
                return true;
            }
            if (none || s == null || s == JobState.UNKNOWN || s == JobState.COMPLETED) {
                // gone without an exit file: the file may lag a moment behind the queue
                if (++missing >= 3) {
                    endedHow = "without writing its exit status: killed, out of time or a node failure";
                    return true;
                }
                return false;
            }
            missing = 0;
            return false;
        }

        Look look(boolean withQueue) throws IOException, InterruptedException {
            boolean none = scheduler.name().equals("none");
            String jobs = sessionDir + "/jobs";
            String sh = "cd " + Shell.quote(jobs) + " 2>/dev/null || exit 0; "
                    + "[ -f job-0.out ] && grep -a -E " + Shell.quote(INTERESTING) + " job-0.out | head -n 20; "
                    + "[ -f job-0.exit ] && printf 'pvrun-exit %s\\n' \"$(cat job-0.exit)\"; "
                    + (none ? "[ -f job-0.pid ] && kill -0 \"$(cat job-0.pid)\" 2>/dev/null && echo pvrun-alive; " : "")
                    + "exit 0";
            ExecResult r = t.exec(List.of("sh", "-c", sh), COMMAND_TIMEOUT);
            StringBuilder out = new StringBuilder();
            String exit = null;
            boolean alive = false;
            for (String line : r.stdout().split("\n")) {
                if (line.startsWith("pvrun-exit ")) {
                    exit = line.substring("pvrun-exit ".length()).strip();
                } else if (line.equals("pvrun-alive")) {
                    alive = true;
                } else {
                    out.append(line).append('\n');
                }
            }
            JobState state = null;
            boolean known = none;
            if (withQueue && !none) {
                Map<String, JobState> states = queue();
                if (states != null) {
                    known = true;
                    state = states.get(scheduler.elementId(jobId, 0, 1));
                }
            }
            return new Look(out.toString(), exit, state, known, alive);
        }

        /** The queue's states, or null when the query failed (a controller restarting is not an answer). */
        Map<String, JobState> queue() throws IOException, InterruptedException {
            ExecResult r = t.exec(scheduler.statusCommand(List.of(jobId)), COMMAND_TIMEOUT);
            if (!r.ok() && r.stdout().isBlank()) {
                if (o.verbose()) {
                    o.err().println("pvrun: status query failed:\n" + r.evidence());
                }
                return null;
            }
            return scheduler.parseStatus(r.stdout());
        }

        String tail() {
            try {
                ExecResult r = t.exec(List.of("tail", "-n", "25", sessionDir + "/jobs/job-0.out"), COMMAND_TIMEOUT);
                String text = r.ok() ? r.stdout() : "(no output: " + r.stderr().strip() + ")";
                return text.isBlank() ? "    (no output)" : text.strip().replaceAll("(?m)^", "    ");
            } catch (IOException e) {
                return "    (cannot read it: " + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "    (interrupted)";
            }
        }

        // ------------------------------------------------------------ the end

        /** Cancels the job (unless detached on Ctrl-C), closes the forwards; the SSH session closes after. */
        void cleanup() {
            boolean interrupted = Interruption.interrupted();
            boolean keep = o.detach() && interrupted && jobId != null && endedHow == null;
            if (jobId != null && !keep) {
                try {
                    if (endedHow == null) {
                        ExecResult r = query(scheduler.cancelCommand(List.of(jobId)), Duration.ofSeconds(20));
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
            if (ssh != null && localForward != null) {
                ssh.closeLocalForward(localForward);
            }
            if (ssh != null && remoteForward != null) {
                ssh.closeRemoteForward(remoteBind, remoteForward);
            }
            if (keep) {
                o.err().println("pvrun: interrupted; --detach: job " + jobId + " keeps running on " + target.name()
                        + (server != null ? " (pvserver on " + server + ")" : ""));
                if (server != null && !o.reverse() && target.isRemote()) {
                    o.err().println("  reach it again: " + Shell.join(sshCommand(List.of("-N", "-L",
                            (localForward != null ? localForward : ServeOptions.DEFAULT_PORT) + ":" + server.host()
                                    + ":" + server.port()))));
                }
                o.err().println("  end it:         " + cancelLine());
            } else if (interrupted) {
                o.err().println("pvrun: session ended; forwards closed");
            }
        }

        /** Until the queue no longer holds the job pending, running or completing (at most {@link #GONE_WAIT}). */
        void awaitGone() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + GONE_WAIT.toNanos();
            boolean none = scheduler.name().equals("none");
            while (System.nanoTime() < deadline) {
                try {
                    if (none) {
                        if (!look(false).alive()) {
                            return;
                        }
                    } else {
                        Map<String, JobState> states = queue();
                        JobState s = states == null ? JobState.RUNNING : states.get(scheduler.elementId(jobId, 0, 1));
                        if (s == null || s.isTerminal()) {
                            return;
                        }
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
            return Shell.join(target.isRemote() ? sshCommand(cancel) : cancel);
        }

        ExecResult check(ExecResult r, String what) {
            if (!r.ok()) {
                throw PvrunException.environment("cannot " + what + " on " + target.name() + ":\n" + r.evidence());
            }
            return r;
        }
    }

    /** An OpenSSH command line reaching the target as the session did (port, user, jump hosts, identity). */
    List<String> sshCommand(List<String> remote) {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        if (!target.jump().isEmpty()) {
            argv.add("-J");
            argv.add(String.join(",", target.jump()));
        }
        if (target.port() != null) {
            argv.add("-p");
            argv.add(Integer.toString(target.port()));
        }
        if (target.identity() != null) {
            argv.add("-i");
            argv.add(target.identity());
        }
        argv.add((target.user() != null ? target.user() + "@" : "") + target.host());
        argv.addAll(remote);
        return argv;
    }

    private static void sleep(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!Interruption.interrupted() && System.nanoTime() < end) {
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    // ---------------------------------------------------------------- --dry-run

    private void printDryRun() {
        PrintStream out = o.out();
        String workdir = target.workdir() != null ? target.workdir() : "~/pvrun";
        String shownDir = (workdir.startsWith("~/") ? "/HOME" + workdir.substring(1) : workdir) + "/serve/SESSION-ID";
        String pvserver = ParaViewVersions.pvserver(target);
        String clientHost = o.clientHost();
        List<String> serverArgs = PvserverJob.serverArgs(pvserver, o.reverse(), clientHost, "RPORT");
        List<String> launch = PvserverJob.launch(target, o.ranks(), serverArgs);
        int port = o.port() != null ? o.port() : ServeOptions.DEFAULT_PORT;
        String via = target.isRemote() ? Transports.sshOptions(target, false, o.env()).describe() : "this machine";
        out.println("target:    " + target.describe());
        out.println("server:    " + Shell.join(launch) + "  (" + o.ranks() + " rank" + (o.ranks() == 1 ? "" : "s")
                + ", display " + target.display().id() + ")");
        out.println("version:   " + (o.ignoreVersion() ? "not checked (--ignore-version)"
                : "the local client's (" + String.join(" or ", ParaViewVersions.CLIENTS) + ") --version against "
                        + pvserver + " --version on the target after its setup lines: major.minor must match"));
        out.println("remote:    " + shownDir + (workdir.startsWith("~/") ? "  (HOME: the remote home directory)" : ""));
        out.println("submit:    " + Shell.join(scheduler.submitCommand(shownDir + "/jobs/job.sh")));
        if (!o.reverse()) {
            out.println("ready:     when " + shownDir + "/jobs/job-0.out says 'Accepting connection(s): NODE:PORT'");
            if (target.isRemote()) {
                out.println("forward:   localhost:" + port + (o.port() == null ? " (or the first free port above)" : "")
                        + " -> NODE:PORT, through the SSH session to " + via);
                out.println("connect:   ParaView client to localhost:" + port);
            } else {
                out.println("forward:   none (this machine's scheduler): the client connects to NODE:PORT directly");
            }
        } else {
            out.println("client:    listens on localhost:" + port + " (File > Connect, reverse connection); pvrun waits"
                    + " for it before submitting");
            if (target.isRemote()) {
                String bind = LocalPorts.isLoopback(clientHost) ? "127.0.0.1" : clientHost;
                out.println("forward:   remote " + bind + ":RPORT on the SSH host (RPORT chosen by sshd) -> localhost:"
                        + port + " here, through the SSH session to " + via);
                out.println("ready:     when " + shownDir + "/jobs/job-0.out says 'Client connected.'");
            } else {
                out.println("forward:   none: pvserver dials " + clientHost + ":" + port + " directly (RPORT = " + port + ")");
            }
        }
        out.println("pvsc:      " + pvscPath() + "  (written " + (o.reverse() ? "before the client is awaited" : "when the server is ready")
                + "; for File > Connect > Load Servers)");
        out.println("end:       Ctrl-C or pvserver exiting (client disconnected): "
                + (scheduler.name().equals("none") ? "kill -s TERM -- -PID"
                        : Shell.join(scheduler.cancelCommand(List.of("JOB-ID")))) + ", forwards closed"
                + (o.detach() ? "; with --detach Ctrl-C leaves the job running" : ""));
        JobSpec job = PvserverJob.jobSpec(target, o.ranks(), o.time(), shownDir, launch);
        out.println("job script (" + shownDir + "/jobs/job.sh):");
        scheduler.renderJobScript(job).lines().forEach(l -> out.println("  | " + l));
        out.println("(dry run: nothing was run, sent or written)");
    }
}
