package org.pvrun.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pvrun.PvrunException;
import org.pvrun.transport.Transport;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ConnectionLostException;

/** Which operations are repeated after a dropped connection, how often, and what is said when it gives up. */
class ReconnectingTest {
    /** Fails the first {@code drops} calls with a lost connection, then answers. */
    static final class Flaky implements Transport {
        int drops;
        final boolean mayHaveRun;
        final List<String> calls = new ArrayList<>();

        Flaky(int drops, boolean mayHaveRun) {
            this.drops = drops;
            this.mayHaveRun = mayHaveRun;
        }

        @Override
        public String describe() {
            return "ssh u@h:22";
        }

        @Override
        public ExecResult exec(List<String> argv, Duration timeout) throws IOException {
            calls.add(String.join(" ", argv));
            if (drops-- > 0) {
                throw new ConnectionLostException("session is down", null, mayHaveRun);
            }
            return new ExecResult(String.join(" ", argv), 0, "ok", "");
        }

        @Override
        public void mkdirs(String remoteDir, int mode) throws IOException {
            exec(List.of("mkdirs"), null);
        }

        @Override
        public void upload(Path local, String remotePath) throws IOException {
            exec(List.of("upload"), null);
        }

        @Override
        public void download(String remotePath, Path local) throws IOException {
            exec(List.of("download"), null);
        }

        @Override
        public void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException {
            exec(List.of("downloadTree"), null);
        }

        @Override
        public void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException {
            exec(List.of("uploadTree"), null);
        }

        @Override
        public void close() {}
    }

    final ByteArrayOutputStream notes = new ByteArrayOutputStream();

    Reconnecting over(Flaky f, Duration budget) {
        return new Reconnecting(f, budget, new PrintStream(notes, true, StandardCharsets.UTF_8), Duration.ofMillis(10));
    }

    String notes() {
        return notes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void queriesAndTransfersAreRepeatedWithGrowingWaits() throws Exception {
        Flaky f = new Flaky(3, true);
        Reconnecting r = over(f, Duration.ofSeconds(10));
        assertEquals("ok", r.exec(List.of("squeue"), null).stdout());
        assertEquals(4, f.calls.size());
        assertTrue(notes().contains("reconnecting in 0.01s") && notes().contains("reconnecting in 0.04s"), notes());
        assertTrue(notes().contains("pvrun: lost the connection to ssh u@h:22 (session is down); reconnecting in 0.02s"), notes());
        f.drops = 2;
        r.downloadTree("/r", List.of("a"), Path.of("/l"));
        r.uploadTree(Path.of("/l"), List.of("a"), "/r");
        r.upload(Path.of("/l"), "/r");
        assertEquals(List.of("downloadTree", "downloadTree", "downloadTree", "uploadTree", "upload"), f.calls.subList(4, 9));
    }

    @Test
    void aSubmissionThatMayHaveRunIsNotRepeated() {
        Flaky f = new Flaky(1, true);
        ConnectionLostException e = assertThrows(ConnectionLostException.class,
                () -> over(f, Duration.ofSeconds(10)).execOnce(List.of("sbatch", "job.sh"), null));
        assertEquals(1, f.calls.size());
        assertTrue(e.getMessage().contains("dropped while it ran sbatch job.sh") && e.getMessage().contains("not repeated"),
                e.getMessage());
    }

    @Test
    void aSubmissionNotYetSentIsRepeated() throws Exception {
        Flaky f = new Flaky(1, false);
        assertEquals("ok", over(f, Duration.ofSeconds(10)).execOnce(List.of("sbatch", "job.sh"), null).stdout());
        assertEquals(2, f.calls.size());
    }

    @Test
    void givesUpWhenTheBudgetIsSpent() {
        Flaky f = new Flaky(100, false);
        Reconnecting r = new Reconnecting(f, Duration.ofMillis(1000), new PrintStream(notes, true, StandardCharsets.UTF_8),
                Duration.ofMillis(50));
        ConnectionLostException e = assertThrows(ConnectionLostException.class, () -> r.exec(List.of("squeue"), null));
        // waits of 50, 100, 200 and 400 ms, then the 800 ms one cut to the 250 ms left: 6 attempts
        assertEquals(6, f.calls.size(), notes());
        assertTrue(e.getMessage().startsWith("lost the connection to ssh u@h:22 and gave up after 6 attempts and 1s of waiting"),
                e.getMessage());
        assertTrue(e.getMessage().contains("PVRUN_RECONNECT="), e.getMessage());
    }

    @Test
    void noBudgetMeansNoRetry() {
        Flaky f = new Flaky(1, false);
        assertThrows(ConnectionLostException.class, () -> over(f, Duration.ZERO).exec(List.of("true"), null));
        assertEquals(1, f.calls.size());
    }

    @Test
    void budgetFromTheEnvironment() {
        assertEquals(Reconnecting.DEFAULT_BUDGET, Reconnecting.budget(Map.of()));
        assertEquals(Duration.ZERO, Reconnecting.budget(Map.of("PVRUN_RECONNECT", "0")));
        assertEquals(Duration.ofMinutes(10), Reconnecting.budget(Map.of("PVRUN_RECONNECT", "10m")));
        PvrunException e = assertThrows(PvrunException.class, () -> Reconnecting.budget(Map.of("PVRUN_RECONNECT", "soon")));
        assertEquals(2, e.exitCode());
    }
}
