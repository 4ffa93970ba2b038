package org.pvrun.connect;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.pvrun.PvrunException;
import org.pvrun.spec.Target;
import org.pvrun.transport.Transport;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.PortForwarding;

/**
 * A target reached as {@link Transports#connect} sets it up: its transport (for a remote target one that
 * reconnects and repeats an operation whose connection dropped), the port forwarding of its SSH connection, and
 * the working directory there.
 */
public final class Connection implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final Target target;
    private final Transport transport;
    private final PortForwarding forwarding;
    private String workdir;

    Connection(Target target, Transport transport, PortForwarding forwarding) {
        this.target = target;
        this.transport = transport;
        this.forwarding = forwarding;
    }

    public Target target() {
        return target;
    }

    public Transport transport() {
        return transport;
    }

    /** Port forwards through the SSH connection; null for this machine, which needs none. */
    public PortForwarding forwarding() {
        return forwarding;
    }

    /**
     * The target's {@code workdir:} as an absolute path without a trailing slash (default {@code ~/pvrun}):
     * {@code ~/} is the home directory there, asked once (the targets file allows only absolute paths and
     * {@code ~/}).
     *
     * @throws PvrunException (exit 3) when the home directory cannot be found
     */
    public synchronized String workdir() throws IOException, InterruptedException {
        if (workdir == null) {
            workdir = resolveWorkdir();
        }
        return workdir;
    }

    private String resolveWorkdir() throws IOException, InterruptedException {
        String w = target.workdir() != null ? target.workdir() : "~/pvrun";
        if (w.startsWith("~/")) {
            ExecResult r = transport.exec(List.of("sh", "-c", "printf '%s' \"$HOME\""), COMMAND_TIMEOUT);
            if (!r.ok() || !r.stdout().startsWith("/")) {
                throw PvrunException.environment("cannot find the home directory on " + target.name() + ":\n"
                        + r.evidence());
            }
            w = r.stdout().strip() + w.substring(1);
        }
        return w.endsWith("/") ? w.substring(0, w.length() - 1) : w;
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
