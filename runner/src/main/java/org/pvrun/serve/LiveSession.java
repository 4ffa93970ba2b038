package org.pvrun.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.run.Interruption;
import org.pvrun.run.RunIds;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.spec.Target;
import org.pvrun.connect.Connection;
import org.pvrun.util.Shell;

/** A session in progress over its connection: the two directions, and the end that cancels and closes. */
final class LiveSession {
    private final ServeOptions o;
    private final Target target;
    private final Scheduler scheduler;
    private final Connection connection;
    private final Path pvsc;
    private final TargetCommands commands;
    /** Null for this machine's scheduler: the client reaches the node directly. */
    private final Forwards forwards;
    private final String pvserver;
    private ServerJob job;

    LiveSession(ServeOptions o, Target target, Scheduler scheduler, Connection connection, Path pvsc) {
        this.o = o;
        this.target = target;
        this.scheduler = scheduler;
        this.connection = connection;
        this.pvsc = pvsc;
        this.commands = new TargetCommands(o, target, connection.transport());
        this.forwards = connection.forwarding() != null ? new Forwards(o, connection.forwarding()) : null;
        this.pvserver = ParaViewVersions.pvserver(target);
    }

    int run() throws IOException, InterruptedException {
        VersionCheck.run(o, target, commands, pvserver);
        String sessionDir = connection.workdir() + "/serve/" + RunIds.newId();
        job = new ServerJob(commands, scheduler, sessionDir);
        try {
            int code = o.reverse() ? reverse() : forward();
            return Interruption.interrupted() ? ExitCode.INTERRUPTED : code;
        } finally {
            end();
        }
    }

    // ---------------------------------------------------------------- the two directions

    private int forward() throws IOException, InterruptedException {
        if (o.port() != null && !LocalPorts.isFree(o.port())) {
            throw PvrunException.environment("local port " + o.port() + " is in use; pick another with --port,"
                    + " or leave --port out for the first free one from " + ServeOptions.DEFAULT_PORT);
        }
        job.submit(PvserverJob.serverArgs(pvserver, false, null, null));
        ServerJob.Reason r = job.await(out -> PvserverOutput.accepting(out) != null, null);
        if (r != ServerJob.Reason.READY) {
            return notReady(r);
        }
        PvserverOutput.Address server = job.server();
        String host = "localhost";
        int port;
        if (forwards != null) {
            port = forwards.openLocal(server.host(), server.port());
        } else {
            host = server.host();
            port = server.port();
        }
        ServerConfigFile.write(pvsc, ServerConfigFile.render(ServerConfigFile.serverName(target.name(), false),
                false, host, port));
        o.info("pvrun: pvserver is listening on " + server + " (job " + job.id() + ", " + o.ranks() + " rank"
                + (o.ranks() == 1 ? "" : "s") + ")");
        if (forwards != null) {
            o.info("pvrun: forwarding localhost:" + port + " -> " + server + " through " + connection.transport().describe());
        }
        o.info("");
        o.out().println("pvrun: connect the ParaView client to " + host + ":" + port); // even with --quiet: the answer
        o.info("  GUI:      File > Connect > Add Server, Server Type 'Client / Server', Host " + host + ", Port " + port
                + ",");
        o.info("            or Load Servers " + pvsc + " and connect to '"
                + ServerConfigFile.serverName(target.name(), false) + "'");
        o.info("  pvpython: Connect('" + host + "', " + port + ")");
        o.info("");
        o.info(endHint());
        return waitForEnd(forwards != null ? forwards::restoreLocal : null);
    }

    private int reverse() throws IOException, InterruptedException {
        int port = o.port() != null ? o.port() : ServeOptions.DEFAULT_PORT;
        String name = ServerConfigFile.serverName(target.name(), true);
        ServerConfigFile.write(pvsc, ServerConfigFile.render(name, true, "localhost", port));
        o.out().println("pvrun: reverse connection: pvserver will connect back to a ParaView client listening on port "
                + port);
        o.info("  GUI:      File > Connect > Load Servers " + pvsc + ", then connect to '" + name + "'");
        o.info("            (or Add Server, Server Type 'Client / Server (reverse connection)', Port " + port + ")");
        o.info("  pvpython: ReverseConnect('" + port + "')");
        if (!awaitClientListening(port)) {
            return ExitCode.INTERRUPTED;
        }
        String clientHost = o.clientHost();
        String serverPort;
        if (forwards != null) {
            // bind exactly the address the compute nodes will dial; loopback needs no GatewayPorts
            String bind = LocalPorts.isLoopback(clientHost) ? "127.0.0.1" : clientHost;
            serverPort = Integer.toString(forwards.openRemote(bind, port));
            o.info("pvrun: remote forward " + bind + ":" + serverPort + " on " + target.name() + " -> localhost:" + port
                    + " here");
        } else {
            serverPort = Integer.toString(port);
        }
        job.submit(PvserverJob.serverArgs(pvserver, true, clientHost, serverPort));
        ServerJob.Reason r = job.await(PvserverOutput::clientConnected, null);
        if (r != ServerJob.Reason.READY) {
            return notReady(r);
        }
        o.info(endHint());
        return waitForEnd(null);
    }

    /** Until something listens on the client's port; false on Ctrl-C. */
    private boolean awaitClientListening(int port) throws InterruptedException {
        if (!LocalPorts.isFree(port)) {
            return true;
        }
        o.info("pvrun: waiting for the client to listen on port " + port + " (the job is submitted then) ...");
        while (LocalPorts.isFree(port)) {
            if (Interruption.interrupted()) {
                return false;
            }
            ServerJob.pause(Duration.ofMillis(200));
        }
        return true;
    }

    /** The job ended (or Ctrl-C) before pvserver was ready. */
    private int notReady(ServerJob.Reason r) {
        if (r == ServerJob.Reason.INTERRUPTED) {
            return ExitCode.INTERRUPTED;
        }
        String what = o.reverse() ? "connected back to the client" : "listened";
        String hint = o.reverse() && forwards != null ? "\n  (a reverse connection needs the compute node to reach "
                + o.clientHost() + ":" + forwards.remotePort() + " on " + target.name() + ": give --client-host the"
                + " login node's address as the compute nodes see it, with GatewayPorts clientspecified in its sshd;"
                + " see docs/serve.md)" : "";
        throw PvrunException.environment("pvserver did not start on " + target.name() + ": job " + job.id() + " ended ("
                + job.endedHow() + ") before pvserver " + what + ". End of its output (" + job.outputFile() + "):\n"
                + job.tail() + hint);
    }

    /** Waits for pvserver to end; 0 when it ended well (its client disconnected), 1 otherwise. */
    private int waitForEnd(ServerJob.Tick tick) throws IOException, InterruptedException {
        ServerJob.Reason r = job.await(null, tick);
        if (r == ServerJob.Reason.INTERRUPTED) {
            return ExitCode.INTERRUPTED;
        }
        if (job.exitedWell()) {
            o.info("pvrun: pvserver exited (its client disconnected); session over");
            return ExitCode.OK;
        }
        o.err().println("pvrun: the server job " + job.id() + " ended (" + job.endedHow() + "). End of its output ("
                + job.outputFile() + "):\n" + job.tail());
        return ExitCode.TASK_FAILED;
    }

    private String endHint() {
        if (o.detach()) {
            return "pvrun: --detach: Ctrl-C closes the forward and leaves job " + job.id() + " running; end it with: "
                    + job.cancelLine();
        }
        return "pvrun: Ctrl-C ends the session; so does disconnecting the client (pvserver then exits).";
    }

    // ---------------------------------------------------------------- the end

    /** Cancels the job (unless detached on Ctrl-C), closes the forwards; the connection closes after. */
    private void end() {
        boolean interrupted = Interruption.interrupted();
        boolean keep = o.detach() && interrupted && job.id() != null && !job.ended();
        if (!keep) {
            job.cancel(interrupted);
        }
        if (forwards != null) {
            forwards.close();
        }
        PvserverOutput.Address server = job.server();
        if (keep) {
            o.err().println("pvrun: interrupted; --detach: job " + job.id() + " keeps running on " + target.name()
                    + (server != null ? " (pvserver on " + server + ")" : ""));
            if (server != null && !o.reverse() && target.isRemote()) {
                Integer local = forwards != null ? forwards.localPort() : null;
                o.err().println("  reach it again: " + Shell.join(SshCommandLine.of(target, List.of("-N", "-L",
                        (local != null ? local : ServeOptions.DEFAULT_PORT) + ":" + server.host() + ":" + server.port()))));
            }
            o.err().println("  end it:         " + job.cancelLine());
        } else if (interrupted) {
            o.err().println("pvrun: session ended; forwards closed");
        }
    }
}
