package org.pvrun.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a process's output stream to its end on a thread of its own, so that the process never blocks on a full pipe. */
public final class Drain {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Thread thread;

    /** Starts reading {@code in} at once, on a daemon thread named {@code pvrun-NAME}. */
    public Drain(InputStream in, String name) {
        thread = new Thread(() -> {
            byte[] b = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (buffer) {
                        buffer.write(b, 0, n);
                    }
                }
            } catch (IOException e) {
                // the stream is closed when the process is killed; what was read so far is kept
            }
        }, "pvrun-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits at most {@code limit} for the end of the stream. */
    public void join(Duration limit) throws InterruptedException {
        thread.join(Math.max(1, limit.toMillis()));
    }

    /** What was read so far, as UTF-8. */
    public String text() {
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
