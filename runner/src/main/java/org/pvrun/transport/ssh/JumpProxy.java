package org.pvrun.transport.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.pvrun.PvrunException;

/**
 * Carries the next hop's SSH connection inside a direct-tcpip channel of the previous hop's session (what
 * OpenSSH's ProxyJump does with {@code ssh -W}).
 *
 * <p>JSch only applies read timeouts, and so only sends keepalives, through {@link Socket#setSoTimeout}, and a
 * channel has no socket. This proxy therefore hands JSch a stand-in socket that merely records the timeout and
 * an input stream that honours it: a pump thread moves the channel's data into a small queue, and reads wait
 * on the queue at most that long before throwing {@link SocketTimeoutException}, exactly as a real socket
 * would. Connect timeouts and keepalives then work on every hop.
 */
final class JumpProxy implements Proxy {
    /** Direct-tcpip open failure reasons, RFC 4254 section 5.1. */
    private static final String[] OPEN_FAILURES = {
        "", "administratively prohibited (AllowTcpForwarding?)", "connect failed", "unknown channel type",
        "resource shortage",
    };

    private final Session via;
    private final String viaName;
    private final TimeoutSocket socket = new TimeoutSocket();
    private Channel channel;
    private TimedInputStream in;
    private OutputStream out;

    JumpProxy(Session via, String viaName) {
        this.via = via;
        this.viaName = viaName;
    }

    @Override
    public void connect(SocketFactory ignored, String host, int port, int timeout) throws Exception {
        channel = via.getStreamForwarder(host, port);
        InputStream raw = channel.getInputStream();
        out = channel.getOutputStream();
        try {
            channel.connect(timeout);
        } catch (JSchException e) {
            int reason = channel.getExitStatus();
            String why = reason > 0 && reason < OPEN_FAILURES.length ? OPEN_FAILURES[reason] : e.getMessage();
            channel.disconnect();
            throw PvrunException.environment("Jump host " + viaName + " could not open a connection to " + host + ":"
                    + port + ": " + why + ". Check the host name and port as seen from " + viaName + ".", e);
        }
        in = new TimedInputStream(raw, socket, "pvrun-ssh-jump " + host + ":" + port);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public Socket getSocket() {
        return socket;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.disconnect();
        }
        if (in != null) {
            in.close();
        }
    }

    /** Only holds the read timeout JSch sets; JSch never does I/O on it when a proxy is used. */
    private static final class TimeoutSocket extends Socket {
        private volatile int soTimeout;

        @Override
        public void setSoTimeout(int timeout) {
            soTimeout = timeout;
        }

        @Override
        public int getSoTimeout() {
            return soTimeout;
        }

        @Override
        public void setTcpNoDelay(boolean on) {}

        @Override
        public synchronized void close() {}
    }

    /** The channel's data, read ahead by a pump thread, with reads that time out like a socket's. */
    private static final class TimedInputStream extends InputStream {
        private static final byte[] EOF = new byte[0];
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(32);
        private final TimeoutSocket socket;
        private final Thread pump;
        private volatile IOException failure;
        private volatile boolean closed;
        private byte[] current = new byte[0];
        private int pos;
        private boolean eof;

        TimedInputStream(InputStream raw, TimeoutSocket socket, String name) {
            this.socket = socket;
            pump = new Thread(() -> {
                byte[] buf = new byte[32 * 1024];
                try {
                    int n;
                    while ((n = raw.read(buf)) >= 0) {
                        if (n > 0) {
                            queue.put(Arrays.copyOf(buf, n));
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                } catch (InterruptedException e) {
                    // close() stops the pump; the thread ends here
                } finally {
                    try {
                        while (!closed && !queue.offer(EOF, 100, TimeUnit.MILLISECONDS)) {
                            // the reader is still busy with earlier data
                        }
                    } catch (InterruptedException e) {
                        // closed
                    }
                }
            }, name);
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == current.length) {
                if (eof) {
                    return -1;
                }
                byte[] next;
                try {
                    int timeout = socket.getSoTimeout();
                    next = timeout > 0 ? queue.poll(timeout, TimeUnit.MILLISECONDS) : queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading from the jump host channel");
                }
                if (next == null) {
                    throw new SocketTimeoutException("no data from the jump host channel within " + socket.getSoTimeout() + " ms");
                }
                if (next == EOF) {
                    eof = true;
                    if (failure != null) {
                        throw failure;
                    }
                    return -1;
                }
                current = next;
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return current.length - pos;
        }

        @Override
        public void close() {
            closed = true;
            pump.interrupt();
        }
    }
}
