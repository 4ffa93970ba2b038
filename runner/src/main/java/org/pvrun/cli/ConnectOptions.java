package org.pvrun.cli;

import picocli.CommandLine.Option;

/** How a command that reaches a target connects: host-key trust (docs/targets.md); the rest is the target's. */
final class ConnectOptions {
    @Option(names = "--accept-new-host-key",
            description = "Accept and remember the host key of an SSH host not yet in known_hosts (a changed key is always refused).")
    boolean acceptNewHostKey;
}
