package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.plan.Packing;
import org.pvrun.plan.Planner;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;

/** A dry run of a large plan is a few lines: its ends, the packing, the arrays and counts; --all lists every task. */
class DryRunTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} tasks, tasks_per_job {1}, {2} slots -> {3}")
    @CsvSource(delimiter = '|', value = {
        "100000 |       | 2 | jobs 0-1: 50000 tasks each (job 0: tasks 0000-49999, job 1: tasks 50000-99999)",
        "100000 |       | 8 | jobs 0-7: 12500 tasks each (job 0: tasks 0000-12499, job 7: tasks 87500-99999)",
        "100000 |       | 7 | jobs 0-5: 14286 tasks each, job 6: 14284 tasks (job 0: tasks 0000-14285, job 6: tasks 85716-99999)",
        "10001  | 1000  | 8 | jobs 0-9: 1000 tasks each, job 10: 1 task (job 0: tasks 0000-0999, job 10: tasks 10000)",
        "30     | 1     | 8 | jobs 0-29: 1 task each (job 0: tasks 0000, job 29: tasks 0029)",
        "21     |       | 1 | job 0: 21 tasks",
    })
    void packingIsRunsOfJobsOfOneSize(int tasks, Integer perJob, int slots, String expected) {
        List<Integer> indices = IntStream.range(0, tasks).boxed().toList();
        assertEquals(expected, DryRun.packing(Packing.pack(indices, perJob, slots)));
    }

    @ParameterizedTest(name = "{0}: {1} jobs, limit {2}, {3} slots -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "none  | 2    | -    | 2  | no arrays (scheduler none): 2 processes started by pvrun, 2 at a time",
        "none  | 1    | -    | 4  | no arrays (scheduler none): 1 process started by pvrun, 1 at a time",
        "slurm | 8    | -    | 8  | 1 array of 8 jobs, 8 at a time (split into several if the scheduler's array limit is lower: asked at submission)",
        "slurm | 8    | 1001 | 8  | 1 array of 8 jobs, 8 at a time",
        "slurm | 8    | 0    | 8  | 1 array of 8 jobs, 8 at a time",
        "slurm | 5000 | 1001 | 16 | 5 arrays of up to 1001 jobs (the scheduler's array limit), 16 at a time",
        "pbs   | 1    | -    | 8  | none: 1 job",
    })
    void arraysSayHowTheJobsAreSubmitted(String scheduler, int jobs, Integer limit, int slots, String expected) {
        assertEquals(expected, DryRun.arrays(jobs, Schedulers.forName(scheduler), limit, slots));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "i=0 1 2 3 4 5 6 7 8 9          | i: 10 values (0 ... 9)",
        "c=red blue                     | c: 2 values (red, blue)",
        "a=1 1 2 2;b=x y x y            | a: 2 values (1, 2); b: 2 values (x, y)",
        "a=5 5 5                        | a: 1 value (5)",
    })
    void theSweepIsCountedPerName(String columns, String expected) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (String column : columns.trim().split(";")) {
            String name = column.substring(0, column.indexOf('='));
            String[] values = column.substring(column.indexOf('=') + 1).split(" ");
            for (int i = 0; i < values.length; i++) {
                if (points.size() <= i) {
                    points.add(new LinkedHashMap<>());
                }
                points.get(i).put(name, values[i]);
            }
        }
        assertEquals(expected, DryRun.sweep(points));
        assertEquals("", DryRun.sweep(List.of(Map.of())));
    }

    @Test
    void aLargePlanShowsItsEndsAndCounts() throws IOException {
        String text = dryRun(sweep(100_000) + "max_parallel: 4\n", false);
        List<String> lines = text.lines().toList();
        assertTrue(lines.size() < 50, text);
        assertTrue(lines.contains("tasks:     100000 in 4 jobs (up to 25000 per pvbatch process, 4 at a time)"), text);
        assertTrue(lines.contains("sweep:     i: 100000 values (0 ... 99999)"), text);
        assertTrue(lines.contains("packing:   jobs 0-3: 25000 tasks each (job 0: tasks 0000-24999, job 3: tasks 75000-99999)"), text);
        assertTrue(lines.contains("  job 0  task 0000  params {\"i\":0}"), text);
        assertTrue(lines.contains("           argv: s.py --i=0"), text);
        assertTrue(lines.contains("  ... 99990 more (--all lists every task)"), text);
        assertTrue(lines.contains("  job 3  task 99999  params {\"i\":99999}"), text);
        assertFalse(text.contains("task 0005 "), text);
        assertTrue(text.endsWith("(dry run: nothing was run, sent or written)\n"), text);
    }

    @Test
    void allListsEveryTaskUnderItsJob() throws IOException {
        String text = dryRun(sweep(30) + "tasks_per_job: 10\n", true);
        assertEquals(3, text.lines().filter(l -> l.matches("job \\d:")).count(), text);
        assertEquals(30, text.lines().filter(l -> l.startsWith("  task ")).count(), text);
        assertTrue(text.contains("  task 0029  params {\"i\":29}\n    argv: s.py --i=29\n"), text);
        assertFalse(text.contains("packing:"), text);
    }

    @Test
    void aSmallPlanIsListedWhole() throws IOException {
        String text = dryRun(sweep(DryRun.LISTED), false);
        assertEquals(DryRun.LISTED, text.lines().filter(l -> l.startsWith("  task ")).count(), text);
        assertFalse(text.contains("--all"), text);
    }

    private static String sweep(int n) {
        return "args: [\"--i={i}\"]\nsweep: {i: {from: 0, to: " + (n - 1) + "}}\n";
    }

    private String dryRun(String extra, boolean all) throws IOException {
        Files.writeString(dir.resolve("s.py"), "");
        Files.writeString(dir.resolve("p.yaml"), "name: p\nscript: s.py\n" + extra);
        PipelineSpec spec = new SpecLoader().load(dir.resolve("p.yaml"), Map.of(), Map.of());
        Files.writeString(dir.resolve("t.yaml"), "targets:\n  hpc:\n    host: h\n");
        Target t = new TargetsLoader().load(dir.resolve("t.yaml"), Map.of()).get("hpc");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        RunOptions o = new RunOptions(dir.resolve("results"), true, false, false, out, out,
                Map.of("PVRUN_STATE", dir.resolve("state").toString())).listingAllTasks(all);
        new Engine(o, Engine.Options.defaults()).run(Planner.plan(spec), t);
        return buf.toString(StandardCharsets.UTF_8);
    }
}
