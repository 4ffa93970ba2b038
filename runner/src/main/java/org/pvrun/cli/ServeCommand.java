package org.pvrun.cli;

import java.nio.file.Path;

import org.pvrun.PvrunException;
import org.pvrun.run.Interruption;
import org.pvrun.serve.ServeOptions;
import org.pvrun.serve.ServeSession;
import org.pvrun.spec.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pvrun serve -t TARGET}: pvserver in a batch job, a forwarded port, and what to type in the client. */
@Command(name = "serve", mixinStandardHelpOptions = true, customSynopsis = "pvrun serve -t TARGET [OPTIONS]",
        description = {"Start pvserver in a job on a target and connect the ParaView client to it through SSH.",
            "The job is submitted, pvrun waits until pvserver listens, forwards a local port through its SSH session"
                + " (jump hosts included), prints what to type in the client and writes a .pvsc server file; Ctrl-C or"
                + " the client disconnecting ends the session and cancels the job."},
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun serve -t hopper --ranks 8 --time 02:00:00",
            "  pvrun serve -t hopper --reverse --client-host login1.hopper.example.edu",
            "  pvrun serve -t hopper --dry-run",
            "",
            "Exit status: 0 pvserver ended (its client disconnected), 1 pvserver failed,",
            "2 invalid input, 3 environment (versions differ, cannot connect, pvserver",
            "did not start), 130 interrupted.",
            "Docs: docs/serve.md"})
public final class ServeCommand extends PvrunSubcommand {
    /** -t is serve's one required option, checked first in {@link #call}. */
    @Mixin
    TargetOptions targetOptions;

    @Mixin
    QuietOption quiet;

    @Option(names = "--ranks", paramLabel = "N", defaultValue = "1", description = "MPI ranks of pvserver (default 1).")
    int ranks;

    @Option(names = "--time", paramLabel = "HH:MM:SS", description = "Wall time of the job (default: the target's resources.time).")
    String time;

    @Option(names = "--port", paramLabel = "P",
            description = "Local port: forwarded to pvserver (default 11111, else the first free one above), or with"
                    + " --reverse the port the client listens on (default 11111).")
    Integer port;

    @Option(names = "--reverse",
            description = "pvserver connects back to the client (--rc) through an SSH remote forward on the target host.")
    boolean reverse;

    @Option(names = "--client-host", paramLabel = "HOST", defaultValue = ServeOptions.DEFAULT_CLIENT_HOST,
            description = "With --reverse: the address compute nodes dial to reach the remote forward on the target host"
                    + " (default 127.0.0.1: jobs that run on that host itself; see docs/serve.md).")
    String clientHost;

    @Option(names = "--detach", description = "On Ctrl-C, leave the job running (and print how to reach and end it).")
    boolean detach;

    @Option(names = "--dry-run", description = "Print the job script and the forwarding plan; run nothing.")
    boolean dryRun;

    @Option(names = "--ignore-version", description = "Do not refuse a client and server of different ParaView versions.")
    boolean ignoreVersion;

    @Option(names = "--pvsc", paramLabel = "FILE",
            description = "Where to write the server configuration (default: ~/.config/pvrun/serve/TARGET.pvsc).")
    Path pvsc;

    @Override
    public Integer call() {
        if (targetOptions.target == null) {
            throw missing("option: '--target=TARGET'");
        }
        if (ranks < 1) {
            throw PvrunException.invalid("--ranks must be at least 1, got " + ranks);
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw PvrunException.invalid("--port must be 1-65535, got " + port);
        }
        if (time != null && !time.matches("\\d+:[0-5]\\d:[0-5]\\d")) {
            throw PvrunException.invalid("--time must be HH:MM:SS (hours may exceed 24), got '" + time + "'");
        }
        if (!clientHost.matches("[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:]+")) {
            throw PvrunException.invalid("--client-host must be a host name or address, got '" + clientHost + "'");
        }
        if ("inline".equals(targetOptions.target)) {
            throw PvrunException.invalid("serve needs a target from the targets file (or 'local'), not 'inline'");
        }
        Target t = targetOptions.resolve(null, null, parent.env);
        if (!dryRun) {
            Interruption.install();
        }
        ServeOptions o = new ServeOptions(ranks, time, port, reverse, clientHost, detach, dryRun, ignoreVersion,
                targetOptions.acceptNewHostKey(), pvsc == null ? null : pvsc.toAbsolutePath(), verbose(), quiet.quiet, parent.out,
                parent.err, parent.env);
        return new ServeSession(o, t).run();
    }
}
