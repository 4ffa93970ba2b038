package org.pvrun.transport.ssh;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.IOException;

/** Port forwarding through the session (pvrun serve): forwards live and die with their session. */
final class SshForwards {
    private final SshSessions sessions;

    SshForwards(SshSessions sessions) {
        this.sessions = sessions;
    }

    /**
     * Listens on 127.0.0.1:{@code localPort} here and carries every connection to it through this session to
     * {@code host:port} as the SSH host resolves and reaches them (a direct-tcpip channel per connection, so a
     * jump-host chain is included). Port 0 takes any free port.
     *
     * @return the local port listened on
     * @throws IOException if the port cannot be bound or the session is gone
     */
    int forwardLocal(int localPort, String host, int port) throws IOException {
        try {
            return sessions.session().setPortForwardingL("127.0.0.1", localPort, host, port);
        } catch (JSchException e) {
            throw sessions.failure("cannot forward 127.0.0.1:" + localPort + " to " + host + ":" + port, e);
        }
    }

    /** Stops listening on 127.0.0.1:{@code localPort}; connections already forwarded end with the session. */
    void closeLocalForward(int localPort) {
        Session s = sessions.liveSession();
        if (s != null) {
            try {
                s.delPortForwardingL("127.0.0.1", localPort);
            } catch (JSchException e) {
                // not forwarded (any more): nothing to close
            }
        }
    }

    /**
     * Asks the SSH host to listen on {@code bindAddress:remotePort} (0: a port of the server's choosing) and to
     * carry every connection back through this session to {@code host:port} as seen from here. OpenSSH binds a
     * non-loopback address only with {@code GatewayPorts clientspecified} (or {@code yes}); otherwise it
     * quietly listens on loopback.
     *
     * @return the port the SSH host listens on
     */
    int forwardRemote(String bindAddress, int remotePort, String host, int port) throws IOException {
        try {
            int bound = sessions.session().setPortForwardingR(bindAddress + ":" + remotePort + ":" + host + ":" + port);
            // JSch wakes the requesting thread with Thread.interrupt() when the server's reply arrives; a reply
            // that comes before the thread sleeps leaves the flag set, and the next sleep or wait would fail
            Thread.interrupted();
            return bound;
        } catch (JSchException e) {
            throw sessions.failure("cannot listen on " + bindAddress + ":" + remotePort + " of the SSH host", e);
        }
    }

    /** Asks the SSH host to stop listening on {@code bindAddress:remotePort} (the port forwardRemote returned). */
    void closeRemoteForward(String bindAddress, int remotePort) {
        Session s = sessions.liveSession();
        if (s != null) {
            try {
                s.delPortForwardingR(bindAddress, remotePort);
            } catch (JSchException e) {
                // not forwarded (any more): nothing to close
            }
        }
    }
}
