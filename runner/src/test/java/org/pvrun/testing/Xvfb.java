package org.pvrun.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A private X server for processes a test starts itself (a pvpython client, a bare pvbatch): Debian's
 * ParaView needs a display even offscreen. Xvfb picks a free display itself and reports it on -displayfd.
 */
public final class Xvfb implements AutoCloseable {
    private final Process process;
    public final String display;

    private Xvfb(Process process, String display) {
        this.process = process;
        this.display = display;
    }

    public static Xvfb start() throws IOException {
        // -noreset: without it Xvfb resets when its last client disconnects and drops the next one's connection
        Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
                "-noreset").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String n = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        if (n == null || !n.strip().matches("\\d+")) {
            p.destroyForcibly();
            fail("Xvfb did not start");
        }
        return new Xvfb(p, ":" + n.strip());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
