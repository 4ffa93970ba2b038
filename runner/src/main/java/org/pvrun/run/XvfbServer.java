package org.pvrun.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.pvrun.PvrunException;

/**
 * A private Xvfb for one run. Xvfb chooses a free display itself and reports it on {@code -displayfd}, so
 * concurrent runs never race for a display number.
 */
public final class XvfbServer implements AutoCloseable {
    private final Process process;
    private final String display;

    private XvfbServer(Process process, String display) {
        this.process = process;
        this.display = display;
    }

    public static XvfbServer start(Path xvfb) {
        ProcessBuilder pb = new ProcessBuilder(List.of(xvfb.toString(), "-displayfd", "1", "-screen", "0",
                "1920x1200x24", "-nolisten", "tcp", "-noreset"));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw PvrunException.environment("cannot start Xvfb: " + e.getMessage(), e);
        }
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String n = line.get(20, TimeUnit.SECONDS);
            if (n == null || !n.strip().matches("\\d+")) {
                p.destroy();
                throw PvrunException.environment("Xvfb did not start (exit " + (p.isAlive() ? "?" : p.exitValue())
                        + "); run 'Xvfb :99' by hand to see why, or set display: offscreen");
            }
            return new XvfbServer(p, ":" + n.strip());
        } catch (TimeoutException | ExecutionException e) {
            p.destroy();
            throw PvrunException.environment("Xvfb did not report a display within 20 s");
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new PvrunException(130, "interrupted");
        }
    }

    public String display() {
        return display;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
