package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's side runs in this machine's sh, as it runs in the host's: the same script, the same arguments. */
class ExitWatchTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final LocalTransport local = new LocalTransport();

    private ExecResult host(int last, long patience) throws Exception {
        return local.exec(ExitWatch.command(tmp.toString(), last, patience), T);
    }

    @Test
    void answersAtOnceWhenTheCountDiffers() throws Exception {
        Files.writeString(tmp.resolve("job-0.exit"), "0\n");
        Files.writeString(tmp.resolve("job-1.exit"), "1\n");
        Files.writeString(tmp.resolve("job-1.pid"), "42\n");
        long t0 = System.nanoTime();
        ExecResult r = host(-1, 30);
        assertEquals(0, r.exitStatus(), r.evidence());
        assertEquals(2, ExitWatch.count(r.stdout()));
        assertEquals(2, ExitWatch.count(host(0, 30).stdout()));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "answered without waiting for the patience");
    }

    @Test
    void anEmptyFolderCountsNone() throws Exception {
        assertEquals(0, ExitWatch.count(host(-1, 30).stdout()));
    }

    @Test
    void waitsForThePatienceWhenNothingChanges() throws Exception {
        Files.writeString(tmp.resolve("job-0.exit"), "0\n");
        long t0 = System.nanoTime();
        ExecResult r = host(1, 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, ExitWatch.count(r.stdout()));
        assertTrue(ms >= 900 && ms < 5000, "waited " + ms + " ms for a patience of 1 s");
    }

    @Test
    void notMissingAFolderThatIsNotThereYet() throws Exception {
        ExecResult r = local.exec(ExitWatch.command(tmp.resolve("later").toString(), -1, 1), T);
        assertEquals(0, ExitWatch.count(r.stdout()), r.evidence());
    }

    @Test
    void countsOnlyNumbers() {
        assertEquals(3, ExitWatch.count("3\n"));
        assertEquals(-1, ExitWatch.count(""));
        assertEquals(-1, ExitWatch.count("sh: not found\n"));
    }

    @Test
    void wakesWithinASecondOfANewExitFile() throws Exception {
        try (ExitWatch w = ExitWatch.start(local, tmp.toString(), Duration.ofSeconds(10))) {
            assertTrue(w.await(5000), "the first answer wakes the monitor");
            assertFalse(w.await(700), "nothing new, no news");
            Files.writeString(tmp.resolve("job-0.exit"), "0\n");
            long t0 = System.nanoTime();
            assertTrue(w.await(5000), "a new exit file wakes it");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "woke after " + ms + " ms");
            assertTrue(w.working());
            assertFalse(w.await(700), "the same count again is no news");
        }
    }

    @Test
    void aHostItCannotReachMakesTheMonitorPoll() throws Exception {
        Transport down = (Transport) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Transport.class},
                (proxy, m, args) -> {
                    throw new ConnectionLostException("connection lost", null, false);
                });
        try (ExitWatch w = ExitWatch.start(down, "/nowhere", Duration.ofSeconds(10))) {
            long end = System.nanoTime() + 5_000_000_000L;
            while (w.working() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertFalse(w.working());
            assertFalse(w.await(100));
        }
    }
}
