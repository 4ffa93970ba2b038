package org.pvrun.transport;

import java.io.IOException;

/**
 * TCP port forwards through a remote transport's SSH connection ({@code pvrun serve}). They live and die with
 * that connection: one that dropped takes its forwards along, and they are asked for again on the new one.
 */
public interface PortForwarding {

    /**
     * Listens on 127.0.0.1:{@code localPort} here and carries every connection to it through the SSH connection to
     * {@code host:port} as the SSH host resolves and reaches them (so a jump-host chain is included).
     *
     * @return the local port listened on
     * @throws IOException if the port cannot be bound or the connection is gone
     */
    int forwardLocal(int localPort, String host, int port) throws IOException, InterruptedException;

    /** Stops listening on 127.0.0.1:{@code localPort}; quietly does nothing when it is not forwarded. */
    void closeLocalForward(int localPort);

    /**
     * Asks the SSH host to listen on {@code bindAddress:remotePort} (0: a port of the server's choosing) and to carry
     * every connection back through the SSH connection to {@code host:port} as seen from here. OpenSSH's sshd binds a
     * non-loopback address only with {@code GatewayPorts clientspecified} (or {@code yes}); otherwise it quietly
     * listens on loopback.
     *
     * @return the port the SSH host listens on
     */
    int forwardRemote(String bindAddress, int remotePort, String host, int port) throws IOException, InterruptedException;

    /** Asks the SSH host to stop listening on {@code bindAddress:remotePort} (the port forwardRemote returned). */
    void closeRemoteForward(String bindAddress, int remotePort);
}
