package org.pvrun.serve;

import java.util.ArrayList;
import java.util.List;

import org.pvrun.spec.Target;

/**
 * An OpenSSH command line that reaches the target as the session did (port, user, jump hosts, identity), for the
 * hints a user types by hand after {@code --detach}: reach the server again, or end its job.
 */
final class SshCommandLine {
    private SshCommandLine() {}

    static List<String> of(Target target, List<String> remote) {
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
}
