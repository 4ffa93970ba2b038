package org.pvrun.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;

/** A task per sweep point (per window of a split animation): its params, its point and its arguments. */
class PlannerTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -> task {1}: params {2}, point {3}, argv {4}")
    @CsvSource(delimiter = '|', value = {
        "''                                                        | 0 | {}                  | {}           | ''",
        "'sweep: {i: {from: 0, to: 99999}}'                          | 99999 | {i=99999}     | {i=99999}    | ''",
        "'params: {w: 8, i: 1}\nsweep: {i: [5, 6]}\nargs: [\"-n\", \"{i}x{w}\"]' | 1 | {w=8, i=6} | {i=6} | -n 6x8",
        "'sweep: {a: [1, 2], b: [x, y]}\nargs: [\"{a}{b}\"]'         | 2 | {a=2, b=x}          | {a=2, b=x}   | 2x",
    })
    void eachPointIsATask(String yaml, int index, String params, String point, String argv) throws IOException {
        Plan plan = Planner.plan(spec(yaml));
        Task t = plan.tasks().get(index);
        assertEquals(index, t.index());
        assertEquals(params, t.params().toString());
        assertEquals(point, t.point().toString());
        assertEquals(argv, String.join(" ", t.argv()));
        assertThrows(UnsupportedOperationException.class, () -> t.params().put("i", 0));
        assertThrows(UnsupportedOperationException.class, () -> t.point().put("i", 0));
    }

    @Test
    void withoutParamsATaskHoldsOneMap() throws IOException {
        // 100,000 tasks: one small map each, not three (the plan's share of a large run's memory)
        Plan plan = Planner.plan(spec("sweep: {i: {from: 0, to: 99999}}"));
        assertEquals(100_000, plan.tasks().size());
        Task t = plan.tasks().get(123);
        assertSame(t.params(), t.point());
        assertEquals(Map.of("i", 123L), t.params());
    }

    @Test
    void aSplitAnimationIsATaskPerWindow() throws IOException {
        Plan plan = Planner.plan(spec("sweep: {i: [1, 2]}\nanimation: {split: 3}"));
        assertEquals(6, plan.tasks().size());
        assertEquals(List.of(0, 1, 2, 0, 1, 2), plan.tasks().stream().map(t -> t.animation().part()).toList());
        assertEquals(List.of(1L, 1L, 1L, 2L, 2L, 2L), plan.tasks().stream().map(t -> t.params().get("i")).toList());
    }

    @ParameterizedTest(name = "{0} frames, {1} a task -> {2} tasks")
    @CsvSource({"0, 10, 1", "1, 10, 1", "10, 10, 1", "11, 10, 2", "24, 10, 3", "24, 7, 4", "24, 1, 24",
        "2147483647, 1000000, 2148"})
    void framesPerTaskGivesOneTaskPerWindowOfThatSize(int frames, int perTask, int tasks) {
        assertEquals(tasks, Planner.partsFor(frames, perTask));
    }

    @Test
    void framesPerTaskPlansEachPointFromItsOwnCount() throws IOException {
        PipelineSpec s = spec("sweep: {i: [1, 2]}\nanimation: {frames_per_task: 10}");
        assertTrue(s.animation().needsCount());
        // before the count (the dry run, and the count run's own plan): one task a point
        assertEquals(2, Planner.plan(s).tasks().size());
        Plan plan = Planner.plan(s, List.of(24, 5));
        assertEquals(List.of(0, 1, 2, 0), plan.tasks().stream().map(t -> t.animation().part()).toList());
        assertEquals(List.of(3, 3, 3, 1), plan.tasks().stream().map(t -> t.animation().parts()).toList());
        assertEquals(List.of(1L, 1L, 1L, 2L), plan.tasks().stream().map(t -> t.params().get("i")).toList());
        plan.tasks().forEach(t -> assertEquals(10, t.animation().framesPerTask()));
        Plan counting = Planner.plan(s.forFrameCount("n.count"));
        assertEquals(2, counting.tasks().size());
        counting.tasks().forEach(t -> assertTrue(t.animation().count()));
        assertEquals("p-count", counting.spec().name());
        assertEquals(List.of("n.count"), counting.spec().outputs());
        assertThrows(IllegalArgumentException.class, () -> Planner.plan(s, List.of(24)));
    }

    private PipelineSpec spec(String extra) throws IOException {
        Files.writeString(dir.resolve("s.py"), "");
        Files.writeString(dir.resolve("p.yaml"), "name: p\nscript: s.py\n" + extra + "\n");
        return new SpecLoader().load(dir.resolve("p.yaml"), Map.of(), Map.of());
    }
}
