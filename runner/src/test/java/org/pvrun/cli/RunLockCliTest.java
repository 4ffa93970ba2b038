package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

/**
 * Two runs of one pipeline into one results folder never overlap: the second exits 3 naming the first, or with
 * {@code --wait-lock} waits for it. Real runs on the stand-in pvbatch; the first one's script waits for a file the
 * test writes, so the overlap is certain, not a matter of timing.
 */
class RunLockCliTest {
    @TempDir
    Path tmp;
    Map<String, String> env;
    Path spec;
    Path results;

    @BeforeEach
    void aPipelineThatWaitsForAGoSignal() throws Exception {
        Path pvbatch = Training.standInPvbatch(tmp.resolve("standin"));
        env = Map.of("PVRUN_PVBATCH", pvbatch.toString(), "PVRUN_STATE", tmp.resolve("state").toString());
        results = tmp.resolve("results");
        Path go = tmp.resolve("go");
        Files.writeString(tmp.resolve("s.py"), "import os, time\n"
                + "open('started', 'w').write('x')\n"
                + "while not os.path.exists(" + pyString(go.toString()) + "):\n    time.sleep(0.05)\n"
                + "open('out.txt', 'w').write('x')\n");
        spec = Files.writeString(tmp.resolve("lock.yaml"), "name: lock\nscript: s.py\ndisplay: offscreen\noutputs: [\"*.txt\"]\n"
                + "target: local\ntimeout: 1m\n");
    }

    static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    CompletableFuture<Cli.Result> first() throws Exception {
        CompletableFuture<Cli.Result> first = CompletableFuture.supplyAsync(() -> Cli.run(env, "run", spec.toString(), "-q",
                "-o", results.toString()));
        for (int i = 0; i < 200 && !started(); i++) {
            Thread.sleep(50);
        }
        assertTrue(started(), "the first run's task started");
        return first;
    }

    boolean started() throws Exception {
        if (!Files.isDirectory(results.resolve("lock"))) {
            return false;
        }
        try (var s = Files.walk(results.resolve("lock"))) {
            return s.anyMatch(p -> p.getFileName().toString().equals("started"));
        } catch (java.io.UncheckedIOException renamedWhileWalking) {
            return false; // the run writes its records through temporary names: look again
        }
    }

    @Test
    void theSecondRunExits3NamingTheFirstAndWritesNothing() throws Exception {
        CompletableFuture<Cli.Result> first = first();
        long runsBefore;
        try (var s = Files.list(results.resolve("lock"))) {
            runsBefore = s.filter(Files::isDirectory).count();
        }
        Cli.Result second = Cli.run(env, "run", spec.toString(), "-o", results.toString());
        assertEquals(3, second.exitCode(), second.toString());
        assertTrue(second.err().contains("another pvrun is running pipeline lock into " + results.toAbsolutePath()
                + " (pid " + ProcessHandle.current().pid() + ", since "), second.err());
        assertTrue(second.err().contains("this run did not start. Wait for it with --wait-lock"), second.err());
        try (var s = Files.list(results.resolve("lock"))) {
            assertEquals(runsBefore, s.filter(Files::isDirectory).count(), "the refused run made no run directory");
        }
        Files.writeString(tmp.resolve("go"), "");
        assertEquals(0, first.get(60, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void withWaitLockTheSecondRunStartsWhenTheFirstEnds() throws Exception {
        CompletableFuture<Cli.Result> first = first();
        CompletableFuture<Cli.Result> second = CompletableFuture.supplyAsync(() -> Cli.run(env, "run", spec.toString(),
                "--wait-lock", "-o", results.toString()));
        Thread.sleep(1000);
        assertTrue(!second.isDone(), "the second run waits while the first goes on");
        Files.writeString(tmp.resolve("go"), "");
        assertEquals(0, first.get(60, TimeUnit.SECONDS).exitCode());
        Cli.Result r = second.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("waiting for it to end (--wait-lock)"), r.err());
    }

    @Test
    void aWaitThatRunsOutIsExit3() throws Exception {
        CompletableFuture<Cli.Result> first = first();
        Cli.Result r = Cli.run(env, "run", spec.toString(), "--wait-lock=1s", "-o", results.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("gave up waiting after 1s (--wait-lock)"), r.err());
        Files.writeString(tmp.resolve("go"), "");
        assertEquals(0, first.get(60, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void setWithoutAValueIsExit2() throws Exception {
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-s", "isovalue", "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("KEY=VALUE"), r.err());
    }
}
