package org.pvrun.transport;

import java.io.IOException;

/**
 * The connection to the target went away (the server or a hop closed it, or it could not be opened again after
 * it had worked). {@link #mayHaveRun()} says whether the failed operation may already have had its effect on the
 * target: false when the connection was down before anything was sent, so repeating it is always safe.
 */
public final class ConnectionLostException extends IOException {
    private final boolean mayHaveRun;

    public ConnectionLostException(String message, Throwable cause, boolean mayHaveRun) {
        super(message, cause);
        this.mayHaveRun = mayHaveRun;
    }

    public boolean mayHaveRun() {
        return mayHaveRun;
    }
}
