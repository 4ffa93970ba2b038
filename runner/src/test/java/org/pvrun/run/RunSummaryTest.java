package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.results.Manifest;

class RunSummaryTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0                 | 0000",
        "0 1 2 3 4 5       | 0000-0005",
        "0 2 3 4 7         | 0000, 0002-0004, 0007",
        "0 2 4 6 8 10 12 14 16 18 20 22 | 0000, 0002, 0004, 0006, 0008, 0010, 0012, 0014, 0016, 0018 and 2 more ranges",
    })
    void consecutiveTasksAreRanges(String indices, String expected) {
        List<Integer> list = Arrays.stream(indices.trim().split(" +")).map(Integer::valueOf).toList();
        assertEquals(expected, RunSummary.ranges(list));
    }

    static final String TB = "point 1\nTraceback (most recent call last):\n"
            + "  File \"/r/0003/s.py\", line 3, in <module>\n    x = Contuor(1)\n        ^^^^^^^\n"
            + "NameError: name 'Contuor' is not defined";

    @Test
    void theTracebackIsTheLastOneWithItsException() {
        String tb = RunSummary.traceback("noise\n" + TB + "\n( 12.3s) [paraview] exit\n");
        assertEquals(TB.substring(TB.indexOf("Traceback")), tb);
        assertEquals("NameError: name 'Contuor' is not defined", RunSummary.exception(tb));
        assertEquals("", RunSummary.traceback("Segmentation fault (core dumped)\n"));
        assertNull(RunSummary.exception(""));
        // cut off by the tail: no exception line to name
        assertNull(RunSummary.exception(RunSummary.traceback("Traceback (most recent call last):\n  File \"x\"")));
    }

    @Test
    void tracebacksFromEachTasksFolderAreOneKind() {
        assertEquals(RunSummary.sameWhereverRun(RunSummary.traceback(TB)),
                RunSummary.sameWhereverRun(RunSummary.traceback(TB.replace("/r/0003/", "/r/0005/"))));
    }

    @Test
    void aRunPrintsGroupsThenTheClosingLine() {
        List<Manifest.TaskRecord> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(task(i, i == 4 ? "succeeded" : "failed", i == 5 ? "timed out after 5s" : "script exited with status 1",
                    i == 4 ? List.of(new Manifest.OutputRecord("0004/a.png", 2048, "x")) : List.of()));
        }
        RunSummary.Lines l = RunSummary.of(manifest("failed", tasks), Path.of("results/p/R"),
                t -> t.index() == 5 ? "still rendering" : "point\n" + TB.replace("0003", String.format("%04d", t.index())),
                false, false);
        assertEquals(List.of(
                "pvrun: 4 tasks failed: NameError: name 'Contuor' is not defined (tasks 0000-0003; script exited with status 1)",
                "  ---- end of results/p/R/logs/0000.log (task 0000) ----",
                "  point",
                "  point 1",
                "  Traceback (most recent call last):",
                "    File \"/r/0000/s.py\", line 3, in <module>",
                "      x = Contuor(1)",
                "          ^^^^^^^",
                "  NameError: name 'Contuor' is not defined",
                "  logs: results/p/R/logs/ (one per task)",
                "pvrun: task 0005 failed: timed out after 5s",
                "  ---- end of results/p/R/logs/0005.log ----",
                "  still rendering",
                "  log: results/p/R/logs/0005.log"), l.err());
        assertEquals(List.of("pvrun: p run R failed (6 tasks: 1 succeeded, 5 failed; 1 output, 2.0 KB; 2.5 s)",
                "  results/p/R/0004/a.png", "  manifest: results/p/R/manifest.json"), l.out());
    }

    @Test
    void aCancelledRunSaysItInItsClosingLineOnly() {
        List<Manifest.TaskRecord> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tasks.add(task(i, i < 57 ? "succeeded" : "cancelled", i < 57 ? null : "interrupted",
                    i < 57 ? List.of(new Manifest.OutputRecord(i + "/a.png", 1024, "x")) : List.of()));
        }
        RunSummary.Lines l = RunSummary.of(manifest("cancelled", tasks), Path.of("R"), t -> "", false, false);
        assertEquals(List.of(), l.err());
        assertEquals(List.of("pvrun: p run R cancelled (200 tasks: 57 succeeded, 143 cancelled; 57 outputs, 57.0 KB; 2.5 s)",
                "  results: R/ (57 outputs; --list-outputs lists them)", "  manifest: R/manifest.json"), l.out());
        RunSummary.Lines q = RunSummary.of(manifest("cancelled", tasks), Path.of("R"), t -> "", true, false);
        assertEquals(List.of(), q.out());
        assertEquals(1, q.err().size(), q.err().toString());
    }

    /**
     * The shapes of a 100,000-task run's summary: a few lines whatever the size. Columns: the run's status; how many
     * tasks succeeded, failed with one error, failed each with an error of its own (the value in the message), were
     * cancelled; then the lines expected on stdout and stderr, and the closing line's counts. One kind of failure is
     * 9 lines (its headline, the end of one log with its traceback, where the logs are); of 50,000 kinds, three get
     * that, seven more their headline, and one line counts the rest.
     */
    @ParameterizedTest(name = "{0}: {1} ok, {2} same, {3} own, {4} cancelled -> {5} + {6} lines")
    @CsvSource(delimiter = '|', value = {
        "succeeded | 100000 | 0      | 0      | 0     | 3 | 0  | 100000 tasks, 100000 outputs, 97.7 MB",
        "cancelled | 8000   | 0      | 0      | 92000 | 3 | 0  | 100000 tasks: 8000 succeeded, 92000 cancelled; 8000 outputs, 7.8 MB",
        "cancelled | 0      | 0      | 0      | 100000| 2 | 0  | 100000 tasks: 100000 cancelled; 0 outputs",
        "cancelled | 7990   | 10     | 0      | 92000 | 3 | 9  | 100000 tasks: 7990 succeeded, 10 failed, 92000 cancelled; 7990 outputs, 7.8 MB",
        "failed    | 0      | 100000 | 0      | 0     | 2 | 9  | 100000 tasks: 100000 failed; 0 outputs",
        "failed    | 50000  | 0      | 50000  | 0     | 3 | 35 | 100000 tasks: 50000 succeeded, 50000 failed; 50000 outputs, 48.8 MB",
    })
    void aLargeRunPrintsAFewLines(String status, int ok, int same, int own, int cancelled, int outLines, int errLines,
            String counts) {
        List<Manifest.TaskRecord> tasks = new ArrayList<>();
        for (int i = 0; i < ok; i++) {
            tasks.add(task(tasks.size(), "succeeded", null, List.of(new Manifest.OutputRecord(i + "/a.png", 1024, "x"))));
        }
        for (int i = 0; i < same; i++) {
            tasks.add(task(tasks.size(), "failed", "script exited with status 1", List.of()));
        }
        for (int i = 0; i < own; i++) {
            tasks.add(task(tasks.size(), "failed", "script exited with status 1", List.of()));
        }
        for (int i = 0; i < cancelled; i++) {
            tasks.add(task(tasks.size(), "cancelled", "interrupted; job cancelled", List.of()));
        }
        int firstOwn = ok + same;
        RunSummary.Lines l = RunSummary.of(manifest(status, tasks), Path.of("R"), t -> t.index() >= firstOwn
                ? TB.replace("Contuor", "Contuor" + t.index()) : TB, false, false);
        assertEquals(outLines, l.out().size(), l.out().toString());
        assertEquals(errLines, l.err().size(), l.err().toString());
        assertEquals("pvrun: p run R " + status + " (" + counts + "; 2.5 s)", l.out().get(0));
        if (own > 0) {
            assertEquals("pvrun: ... and " + (own - RunSummary.GROUPS_SHOWN) + " more kinds of failure (every task is in "
                    + "R/manifest.json)", l.err().get(l.err().size() - 1));
        }
    }

    @ParameterizedTest(name = "{0} lines, {1} shown, all {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "0      | 5 | false | ''",
        "5      | 5 | false | 0 1 2 3 4",
        "6      | 5 | false | 0 1 2 3 +2",
        "100000 | 5 | false | 0 1 2 3 +99996",
        "7      | 5 | true  | 0 1 2 3 4 5 6",
    })
    void warningsAreTheFirstFewThenACount(int n, int shown, boolean all, String expected) {
        List<String> lines = java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf).toList();
        assertEquals(expected, String.join(" ", RunSummary.firstOf(lines, shown, all, more -> "+" + more)));
    }

    @Test
    void quietSuccessSaysNothing() {
        RunSummary.Lines l = RunSummary.of(manifest("succeeded", List.of(task(0, "succeeded", null, List.of()))),
                Path.of("R"), t -> "", true, true);
        assertEquals(List.of(), l.out());
        assertEquals(List.of(), l.err());
    }

    static Manifest.TaskRecord task(int i, String status, String reason, List<Manifest.OutputRecord> outputs) {
        return new Manifest.TaskRecord(i, Map.of(), List.of(), status, null, reason, String.format("logs/%04d.log", i),
                "k", null, List.of(), outputs);
    }

    static Manifest manifest(String status, List<Manifest.TaskRecord> tasks) {
        return new Manifest(1, "p", "R", status, "local", "none", "local", "5.11.0", null, "p.yaml", "x", "s.py", "x",
                List.of(), 1, "offscreen", List.of(), "h", "0", "t0", "t1", 2.5, List.of(), List.of(), null, List.of(),
                null, tasks);
    }
}
