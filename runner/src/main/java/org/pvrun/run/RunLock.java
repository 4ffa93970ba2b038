package org.pvrun.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.results.ManifestIO;
import org.pvrun.spec.Durations;
import org.pvrun.util.Hashes;

/**
 * One run at a time of a pipeline into a results folder (docs/nightly.md#overlapping-runs): a nightly run that
 * takes longer than a day must not meet the next one in the same folder. An OS lock on a file of the state
 * directory named for the pipeline's results folder ({@code locks/NAME-HASH.lock}: a run refused for another
 * reason leaves nothing in the results folder), so it is released however the process ends (SIGKILL included)
 * and never goes stale; the file says who holds it, for the message. Held by the process that follows the run: a
 * run with {@code --detach} holds it only while it stages and submits.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code pipelineDir}. When another process holds it: exit 3 at once naming the holder
     * ({@code wait} null), or wait for it up to {@code wait} (a zero wait: as long as it takes), saying so once.
     */
    public static RunLock acquire(StateDir state, Path pipelineDir, String pipeline, Duration wait, PrintStream notes)
            throws IOException, InterruptedException {
        Path file = Files.createDirectories(state.root().resolve("locks")).resolve(pipeline + "-"
                + Hashes.sha256(pipelineDir.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long deadline = wait == null || wait.isZero() ? Long.MAX_VALUE : System.nanoTime() + wait.toNanos();
            boolean said = false;
            while (true) {
                FileLock l = tryLock(ch);
                if (l != null) {
                    // JSON like every other file of the state directory
                    String holder = "{\"pid\": " + ProcessHandle.current().pid() + ", \"since\": \"" + Instant.now()
                            + "\"}\n";
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
                    return new RunLock(ch, l);
                }
                String who = holder(file);
                String busy = "another pvrun is running pipeline " + pipeline + " into " + pipelineDir.getParent()
                        + (who.isEmpty() ? "" : " (" + who + ")");
                if (wait == null) {
                    throw PvrunException.environment(busy + "; this run did not start. Wait for it with --wait-lock, or "
                            + "use another results folder (-o)");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw PvrunException.environment(busy + "; gave up waiting after " + Durations.human(wait)
                            + " (--wait-lock); this run did not start");
                }
                if (!said && notes != null) {
                    notes.println("pvrun: " + busy + "; waiting for it to end (--wait-lock)");
                    said = true;
                }
                if (Interruption.interrupted()) {
                    throw new PvrunException(ExitCode.INTERRUPTED, "interrupted while waiting for the other run; "
                            + "this run did not start");
                }
                Thread.sleep(500);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            return null; // another run in this same JVM (the in-process CLI the tests drive)
        }
    }

    private static String holder(Path file) {
        try {
            JsonNode n = ManifestIO.JSON.readTree(file.toFile());
            return n.hasNonNull("pid") ? "pid " + n.get("pid").asLong() + ", since " + n.path("since").asText() : "";
        } catch (IOException | RuntimeException e) {
            return ""; // written as we read it, or from an older pvrun
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
