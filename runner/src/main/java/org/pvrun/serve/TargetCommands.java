package org.pvrun.serve;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.pvrun.PvrunException;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.transport.Transport;

/** The commands a session runs on its target, through the connection's (reconnecting) transport. */
record TargetCommands(ServeOptions options, Target target, Transport transport) {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    ExecResult exec(List<String> argv) throws IOException, InterruptedException {
        return transport.exec(argv, TIMEOUT);
    }

    /** A command that must not run twice (a submission): not repeated after a dropped connection. */
    ExecResult execOnce(List<String> argv) throws IOException, InterruptedException {
        return transport.execOnce(argv, TIMEOUT);
    }

    /**
     * Runs an idempotent command, once more if the first attempt failed to run at all: a dropped connection is
     * repeated by the transport, but JSch's rare race when a command ends before its channel has started is not
     * the answer either.
     */
    ExecResult query(List<String> argv) throws IOException, InterruptedException {
        return query(argv, TIMEOUT);
    }

    ExecResult query(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        try {
            return transport.exec(argv, timeout);
        } catch (ExecTimeoutException e) {
            throw e;
        } catch (IOException e) {
            options.detail("pvrun: retrying once: " + e.getMessage());
            return transport.exec(argv, timeout);
        }
    }

    /** {@code r}, or exit 3 saying what could not be done, with the command's evidence. */
    ExecResult check(ExecResult r, String what) {
        if (!r.ok()) {
            throw PvrunException.environment("cannot " + what + " on " + target.name() + ":\n" + r.evidence());
        }
        return r;
    }

    /** The target's setup lines (module loads), each ending in a newline, to prefix a shell command with. */
    String setupPrefix() {
        StringBuilder sb = new StringBuilder();
        target.setup().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }
}
