package org.pvrun.transport.ssh;

import com.jcraft.jsch.Session;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.pvrun.PvrunException;
import org.pvrun.transport.ConnectionLostException;

/**
 * The one SSH session of an {@link SshTransport}: opened on first use, opened again on the next use after it
 * died, closed once. Says whether a failed operation lost the connection, so that it can be repeated.
 */
final class SshSessions {
    private final SshOptions options;
    private final SshSessionFactory factory;
    private SshConnection connection; // guarded by this
    private boolean closed; // guarded by this
    private boolean everConnected; // guarded by this

    SshSessions(SshOptions options, SshSessionFactory factory) {
        this.options = options;
        this.factory = factory;
    }

    String describe() {
        return "ssh " + options.describe();
    }

    SshOptions options() {
        return options;
    }

    synchronized Session session() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
        if (connection == null || !connection.isConnected()) {
            if (connection != null) {
                connection.close();
            }
            connection = factory.connect(options);
            everConnected = true;
        }
        return connection.session();
    }

    /**
     * The session for an operation: a failure to connect again, after the connection had worked, is a lost
     * connection (the operation can be repeated later); a first connection's failure is the user's to fix.
     */
    Session sessionForUse() throws ConnectionLostException {
        boolean reconnecting;
        synchronized (this) {
            reconnecting = everConnected;
        }
        try {
            return session();
        } catch (PvrunException e) {
            if (!reconnecting) {
                throw e;
            }
            throw new ConnectionLostException("cannot connect again: " + e.getMessage(), e, false);
        }
    }

    /** The current session if connected, without reconnecting: forwards live and die with their session. */
    synchronized Session liveSession() {
        return connection != null && connection.isConnected() ? connection.session() : null;
    }

    /**
     * Whether the connection is gone, given an operation just failed: JSch notices a closed socket in its own
     * thread, so a failure caused by it may arrive a moment before the session says it is down.
     */
    private boolean dropped() {
        for (int i = 0; i < 30; i++) {
            if (liveSession() == null) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** {@code e} as a {@link ConnectionLostException} when the connection went away meanwhile, else unchanged. */
    IOException lostOr(IOException e, boolean mayHaveRun) {
        if (e instanceof ConnectionLostException || !dropped()) {
            return e;
        }
        return new ConnectionLostException(e.getMessage(), e, mayHaveRun);
    }

    /**
     * What channel opens wait with: 0, JSch's own limit (2000 waits of 10 ms, about 20 s), checking between them
     * whether the session is still up. With a timeout JSch waits it out in one piece, and nothing wakes it when
     * the session dies: a command started while a jump host's link was dark failed only after the whole connect
     * timeout (20 s), though the keepalives had ended the session in 6.
     */
    static final int CHANNEL_OPEN = 0;

    IOException failure(String what, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
                Thread.currentThread().interrupt(); // JSch swallowed the interrupt into its exception: restore it
                break;
            }
        }
        String detail = e.getMessage() != null ? e.getMessage() : e.toString();
        return new IOException(what + " on " + describe() + ": " + detail, e);
    }

    synchronized void close() {
        closed = true;
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
