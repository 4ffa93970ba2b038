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
final class TargetCommands {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final ServeOptions o;
    private final Target target;
    private final Transport t;

    TargetCommands(ServeOptions o, Target target, Transport t) {
        this.o = o;
        this.target = target;
        this.t = t;
    }

    ServeOptions options() {
        return o;
    }

    Target target() {
        return target;
    }

    Transport transport() {
        return t;
    }

    ExecResult exec(List<String> argv) throws IOException, InterruptedException {
        return t.exec(argv, TIMEOUT);
    }

    /** A command that must not run twice (a submission): not repeated after a dropped connection. */
    ExecResult execOnce(List<String> argv) throws IOException, InterruptedException {
        return t.execOnce(argv, TIMEOUT);
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
            return t.exec(argv, timeout);
        } catch (ExecTimeoutException e) {
            throw e;
        } catch (IOException e) {
            o.detail("pvrun: retrying once: " + e.getMessage());
            return t.exec(argv, timeout);
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
