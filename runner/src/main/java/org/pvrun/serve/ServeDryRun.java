package org.pvrun.serve;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.spec.Target;
import org.pvrun.connect.Transports;
import org.pvrun.util.Shell;

/** {@code pvrun serve --dry-run}: the job script and the forwarding plan, with nothing run, sent or written. */
final class ServeDryRun {
    private ServeDryRun() {}

    static void print(ServeOptions o, Target target, Scheduler scheduler, Path pvsc) {
        PrintStream out = o.out();
        String workdir = target.workdir() != null ? target.workdir() : "~/pvrun";
        String shownDir = (workdir.startsWith("~/") ? "/HOME" + workdir.substring(1) : workdir) + "/serve/SESSION-ID";
        String pvserver = ParaViewVersions.pvserver(target);
        String clientHost = o.clientHost();
        List<String> serverArgs = PvserverJob.serverArgs(pvserver, o.reverse(), clientHost, "RPORT");
        List<String> launch = PvserverJob.launch(target, o.ranks(), serverArgs);
        int port = o.port() != null ? o.port() : ServeOptions.DEFAULT_PORT;
        String via = Transports.describeHost(target, o.env());
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
                        + " -> NODE:PORT, through the SSH session to " + via + transportNote(target));
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
                        + port + " here, through the SSH session to " + via + transportNote(target));
                out.println("ready:     when " + shownDir + "/jobs/job-0.out says 'Client connected.'");
            } else {
                out.println("forward:   none: pvserver dials " + clientHost + ":" + port + " directly (RPORT = " + port + ")");
            }
        }
        out.println("pvsc:      " + pvsc + "  (written " + (o.reverse() ? "before the client is awaited" : "when the server is ready")
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

    /** The system's ssh carries forwards as its master's ({@code ssh -O forward}); JSch as channels of its session. */
    private static String transportNote(Target target) {
        return "openssh".equals(target.transport()) ? " (the system's ssh: ssh -O forward over its master connection)" : "";
    }
}
