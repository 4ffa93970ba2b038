package org.pvrun.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** Options of every command that reaches a target: where targets are defined, and host-key trust. */
public final class TargetOptions {
    @Option(names = "--targets", paramLabel = "FILE",
            description = "Targets file (default: $PVRUN_TARGETS, else ~/.config/pvrun/targets.yaml).")
    Path targets;

    @Option(names = "--accept-new-host-key",
            description = "Accept and remember the host key of an SSH host not yet in known_hosts (a changed key is always refused).")
    boolean acceptNewHostKey;
}
