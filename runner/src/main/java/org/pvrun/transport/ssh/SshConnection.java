package org.pvrun.transport.ssh;

import com.jcraft.jsch.Session;
import java.util.List;

/**
 * A connected, authenticated session to the target and the sessions to the jump hosts it runs through. Closing
 * it disconnects them all, target first.
 */
public final class SshConnection implements AutoCloseable {
    private final List<Session> sessions;
    private final String description;

    SshConnection(List<Session> sessions, String description) {
        this.sessions = List.copyOf(sessions);
        this.description = description;
    }

    /** The session to the target host; open channels on it. */
    public Session session() {
        return sessions.get(sessions.size() - 1);
    }

    /** False once the target or any hop has been disconnected (e.g. keepalives went unanswered). */
    public boolean isConnected() {
        return sessions.stream().allMatch(Session::isConnected);
    }

    /** e.g. {@code ssh jdoe@hopper:22 via jdoe@bastion:22}. */
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        for (int i = sessions.size() - 1; i >= 0; i--) {
            sessions.get(i).disconnect();
        }
    }
}
