package org.pvrun.serve;

import java.io.IOException;
import java.util.List;

import org.pvrun.PvrunException;
import org.pvrun.run.Pvbatch;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.util.Shell;

/**
 * The first step of a session: pvserver's version on the target (after its setup lines) against the local
 * client's, refused (exit 3) when their major.minor differ, before anything is submitted or written.
 */
final class VersionCheck {
    private VersionCheck() {}

    static void run(ServeOptions o, Target target, TargetCommands commands, String pvserver)
            throws IOException, InterruptedException {
        if (o.ignoreVersion()) {
            o.info("pvrun: version check skipped (--ignore-version)");
            return;
        }
        ExecResult r = commands.query(List.of("bash", "-c", commands.setupPrefix()
                + Shell.join(List.of(pvserver, "--version"))));
        String server = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
        if (server == null) {
            throw PvrunException.environment("cannot run pvserver on target " + target.name() + " (set 'pvbatch:' to"
                    + " the pvbatch beside it, or the 'setup:' lines that load ParaView):\n" + r.evidence());
        }
        ParaViewVersions.LocalClient client = ParaViewVersions.localClient(o.env());
        if (client == null) {
            o.info("pvrun: no ParaView client (" + String.join(", ", ParaViewVersions.CLIENTS) + ") on PATH here to"
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
        o.info("pvrun: ParaView " + client.version() + " here (" + client.program().getFileName() + "), " + server
                + " on " + target.name() + " (" + pvserver + ")");
    }
}
