package org.pvrun.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Questions about TCP ports on this machine, answered by trying to bind 127.0.0.1:PORT, never by
 * connecting: a ParaView client waiting for a reverse connection takes any connection as the server's and
 * gives up when it is not, so probing it with a connection would break the very session being prepared.
 */
final class LocalPorts {
    private LocalPorts() {}

    /**
     * True when 127.0.0.1:port can be bound now. SO_REUSEADDR is on, so connections lingering in TIME_WAIT
     * do not count; a listening socket on the port (on 127.0.0.1 or on all addresses) does.
     */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True for names and addresses of this machine's loopback interface. */
    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
