package org.pvrun.cli;

import java.nio.file.Path;

import org.pvrun.run.Engine;
import picocli.CommandLine.Mixin;

/**
 * The commands that pick a recorded run up on its target, from any process: status, logs, fetch, cancel. The
 * target is the one the run record names; the connection is set up as for every command (transport, reconnection,
 * host-key trust).
 */
abstract class AttachCommand extends PvrunSubcommand {
    @Mixin
    RunArgument run;

    @Mixin
    ConnectOptions connect;

    Path runDir() {
        return run.dir(parent.env);
    }

    Engine engine(boolean quiet, boolean jsonOnStdout) {
        return engine(quiet, jsonOnStdout, false);
    }

    Engine engine(boolean quiet, boolean jsonOnStdout, boolean listOutputs) {
        return new Engine(runOptions(Path.of("results"), false, quiet, jsonOnStdout).listingOutputs(listOutputs),
                new Engine.Options(connect.acceptNewHostKey, false, false, null));
    }
}
