package org.pvrun.transport;

import java.io.IOException;
import java.time.Duration;

/**
 * A command did not finish within its timeout and was killed (a local process tree) or abandoned (a remote
 * command: its channel was signalled and closed). Carries what the command had printed so far.
 */
public class ExecTimeoutException extends IOException {
    private final transient ExecResult partial;

    public ExecTimeoutException(Duration timeout, ExecResult partial) {
        super("command timed out after " + timeout.toSeconds() + " s and was stopped:\n" + partial.evidence());
        this.partial = partial;
    }

    /** The command and the output it had produced before it was stopped; the exit status is -1. */
    public ExecResult partial() {
        return partial;
    }
}
