package org.pvrun.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a real server (the test cluster's login sshd), so that a test can cut
 * the connections pvrun holds, and refuse new ones for a while, without touching the server that other tests
 * share: to pvrun a cut looks exactly like the sshd serving it being killed (the socket closes).
 */
public final class CuttableProxy implements AutoCloseable {
    private final String host;
    private final int port;
    private final int listenPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile ServerSocket server;

    public CuttableProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        ServerSocket s = open(0);
        this.listenPort = s.getLocalPort();
        serve(s);
    }

    public int port() {
        return listenPort;
    }

    /** Connections accepted so far (each SSH session, reconnections included). */
    public int accepted() {
        return accepted.get();
    }

    /** Closes every relayed connection at once, as if the sshd serving it had been killed. */
    public void cut() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closed already
            }
        }
        sockets.clear();
    }

    /** Stops listening: new connections are refused (and cuts the current ones). */
    public synchronized void refuse() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        cut();
    }

    /** Listens again on the same port. */
    public synchronized void accept() throws IOException {
        if (server == null) {
            serve(open(listenPort));
        }
    }

    private static ServerSocket open(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    private void serve(ServerSocket s) {
        server = s;
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket(host, port);
                    accepted.incrementAndGet();
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed: refuse() or close()
                }
            }
        }, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        refuse();
    }
}
