package org.pvrun.serve;

import java.io.IOException;

import org.pvrun.PvrunException;
import org.pvrun.transport.PortForwarding;

/**
 * A session's forwards through its SSH connection: the local port the client connects to (the first free one
 * from 11111, unless {@code --port}), or the remote port on the SSH host that pvserver dials back through. A local
 * forward that a dropped connection took along is asked for again on the new one.
 */
final class Forwards {
    /** Ports tried from the default (or --port) upwards when the first is taken. */
    private static final int PORT_SEARCH = 100;

    private final ServeOptions o;
    private final PortForwarding forwarding;
    /** The local forward in force: 127.0.0.1:port here to host:hostPort as the SSH host reaches it. */
    private Local local;
    private String remoteBind;
    private Integer remotePort;

    private record Local(int port, String host, int hostPort) {}

    Forwards(ServeOptions o, PortForwarding forwarding) {
        this.o = o;
        this.forwarding = forwarding;
    }

    /** The local port forwarded to pvserver, or null. */
    Integer localPort() {
        return local != null ? local.port() : null;
    }

    /** The port the SSH host listens on for pvserver's call, or null. */
    Integer remotePort() {
        return remotePort;
    }

    /** Forwards --port, else the first free port from 11111, to {@code host:port} as the SSH host reaches it. */
    int openLocal(String host, int port) throws IOException, InterruptedException {
        if (o.port() != null) {
            local = new Local(forwarding.forwardLocal(o.port(), host, port), host, port);
            return local.port();
        }
        IOException last = null;
        for (int p = ServeOptions.DEFAULT_PORT; p < ServeOptions.DEFAULT_PORT + PORT_SEARCH; p++) {
            if (!LocalPorts.isFree(p)) {
                continue;
            }
            try {
                local = new Local(forwarding.forwardLocal(p, host, port), host, port);
                return local.port();
            } catch (IOException e) {
                last = e; // taken in the meantime: try the next one
            }
        }
        throw PvrunException.environment("no free local port in " + ServeOptions.DEFAULT_PORT + "-"
                + (ServeOptions.DEFAULT_PORT + PORT_SEARCH - 1) + "; choose one with --port"
                + (last != null ? " (" + last.getMessage() + ")" : ""));
    }

    /**
     * Forwards the local port again when nothing listens on it any more: the connection dropped and was made
     * anew, and forwards do not outlive their connection. A client connected through the old one has lost it.
     */
    void restoreLocal() throws IOException, InterruptedException {
        if (local == null || !LocalPorts.isFree(local.port())) {
            return;
        }
        forwarding.closeLocalForward(local.port());
        forwarding.forwardLocal(local.port(), local.host(), local.hostPort());
        o.err().println("pvrun: forwarded localhost:" + local.port() + " again (the SSH connection was made anew)");
    }

    /** Asks the SSH host to listen on {@code bind} (a port it chooses) for pvserver's call to the client's port. */
    int openRemote(String bind, int clientPort) throws IOException, InterruptedException {
        remoteBind = bind;
        remotePort = forwarding.forwardRemote(bind, 0, "127.0.0.1", clientPort);
        return remotePort;
    }

    void close() {
        if (local != null) {
            forwarding.closeLocalForward(local.port());
        }
        if (remotePort != null) {
            forwarding.closeRemoteForward(remoteBind, remotePort);
        }
    }
}
