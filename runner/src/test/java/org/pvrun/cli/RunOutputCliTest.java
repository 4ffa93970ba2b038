package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

/** What a run prints stays a few lines whatever its size (docs/results.md#what-a-run-prints). Stand-in pvbatch. */
class RunOutputCliTest {
    @TempDir
    Path tmp;
    Map<String, String> env;

    @BeforeEach
    void standIn() throws Exception {
        env = Map.of("PVRUN_PVBATCH", Training.standInPvbatch(tmp.resolve("standin")).toString(),
                "PVRUN_STATE", tmp.resolve("state").toString());
    }

    private Path spec(String name, String script, String extra) throws Exception {
        Files.writeString(tmp.resolve(name + ".py"), script);
        return Files.writeString(tmp.resolve(name + ".yaml"), "name: " + name + "\nscript: " + name + ".py\n"
                + "display: offscreen\noutputs: [\"**/*.txt\"]\n" + extra);
    }

    @Test
    void aThousandOutputsPrintAFewLinesAndListOutputsListsThemAll() throws Exception {
        Path spec = spec("many", "import os\nos.makedirs('f', exist_ok=True)\n"
                + "for i in range(1000):\n    open('f/%04d.txt' % i, 'w').write(str(i))\n", "");
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-o", tmp.resolve("results").toString());
        assertEquals(0, r.exitCode(), r.toString());
        long lines = r.out().lines().count() + r.err().lines().count();
        assertTrue(lines <= 10, lines + " lines:\n" + r);
        assertTrue(r.out().contains(" succeeded (1 task, 1000 outputs, "), r.out());
        assertTrue(r.out().contains("(1000 outputs; --list-outputs lists them)"), r.out());
        assertFalse(r.out().contains("0999.txt"), r.out());

        Cli.Result all = Cli.run(env, "run", spec.toString(), "--list-outputs", "-o", tmp.resolve("results").toString());
        assertEquals(0, all.exitCode(), all.toString());
        assertEquals(1000, all.out().lines().filter(l -> l.matches("  .*/0000/f/\\d{4}\\.txt")).count(), all.out());
    }

    @Test
    void sixTasksWithOneErrorPrintOneTracebackAndTheClosingLineCountsThem() throws Exception {
        Path spec = spec("slicer", "import pvrun\nprint('point', pvrun.params['n'])\nx = Contuor(1)\n",
                "params:\n  n: 0\nsweep:\n  n: [1, 2, 3, 4, 5, 6]\n");
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-o", tmp.resolve("results").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, count(r.err(), "Traceback (most recent call last):"), r.err());
        assertEquals(1, count(r.err(), "NameError: name 'Contuor' is not defined (tasks 0000-0005; "), r.err());
        assertTrue(r.err().contains("pvrun: 6 tasks failed: NameError: name 'Contuor' is not defined"), r.err());
        assertTrue(r.out().contains(" failed (6 tasks: 6 failed; 0 outputs; "), r.out());

        Cli.Result q = Cli.run(env, "run", spec.toString(), "-q", "-o", tmp.resolve("results").toString());
        assertEquals(1, q.exitCode(), q.toString());
        assertEquals("", q.out());
        assertEquals(1, count(q.err(), "Traceback (most recent call last):"), q.err());
        assertTrue(q.err().strip().lines().reduce((a, b) -> b).orElseThrow().contains(" failed (6 tasks: 6 failed;"),
                "the failure summary ends with the closing line: " + q.err());
    }

    @Test
    void differentErrorsAreTwoKinds() throws Exception {
        Path spec = spec("two", "import pvrun\nif pvrun.params['n'] % 2:\n    raise ValueError('odd')\n"
                + "open('ok.txt', 'w').write('x')\nraise KeyError('even')\n",
                "params:\n  n: 0\nsweep:\n  n: [1, 2, 3, 4]\n");
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-o", tmp.resolve("results").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("pvrun: 2 tasks failed: ValueError: odd (tasks 0000, 0002; "), r.err());
        assertTrue(r.err().contains("pvrun: 2 tasks failed: KeyError: 'even' (tasks 0001, 0003; "), r.err());
        assertEquals(2, count(r.err(), "Traceback (most recent call last):"), r.err());
    }

    @Test
    void fetchingARunCancelledEarlierExits1Not130() throws Exception {
        Path spec = spec("slow", "import time\ntime.sleep(60)\n", "");
        Cli.Result d = Cli.run(env, "run", spec.toString(), "--detach", "-q", "-o", tmp.resolve("results").toString());
        assertEquals(0, d.exitCode(), d.toString());
        String run = d.out().strip();
        Cli.Result c = Cli.run(env, "cancel", run);
        assertEquals(0, c.exitCode(), c.toString());
        Cli.Result f = Cli.run(env, "fetch", run);
        assertEquals(1, f.exitCode(), "nobody pressed Ctrl-C: " + f);
        assertTrue(f.out().contains("pvrun: slow run " + run + " cancelled (1 task: 1 cancelled;"), f.out());
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }
}
