package org.pvrun.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PruningTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    /** Pipeline a: five ended runs 1, 5, 10, 40 and 90 days old; pipeline b: two, 2 and 60 days old, the older not ended. */
    static final List<Pruning.Run> RUNS = List.of(
            run("a", 1, true), run("a", 5, true), run("a", 10, true), run("a", 40, true), run("a", 90, true),
            run("b", 2, true), run("b", 60, false));

    static Pruning.Run run(String pipeline, int daysOld, boolean ended) {
        Instant t = NOW.minus(Duration.ofDays(daysOld));
        return new Pruning.Run(pipeline, pipeline + daysOld, t, ended);
    }

    @ParameterizedTest(name = "keep {0}, older than {1}: removes {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "3  | -   | a40 a90",        // the 3 newest of each pipeline stay
        "0  | -   | a1 a10 a40 a5 a90 b2", // all that ended; b60 has not
        "-  | 30d | a40 a90",        // b60 is old but not ended
        "-  | 7d  | a10 a40 a90",
        "2  | 30d | a40 a90",        // both rules must let a run go: a10 is beyond 2 but young
        "4  | 7d  | a90",
        "10 | 1d  | ''",
        "1  | -   | a10 a40 a5 a90",
    })
    void removesWhatEveryRuleLetsGo(Integer keep, String olderThan, String removed) {
        Pruning.Rules rules = new Pruning.Rules(keep, olderThan == null ? null : org.pvrun.spec.Durations.parse(olderThan));
        String got = Pruning.decide(RUNS, rules, NOW).stream().filter(Pruning.Decision::remove)
                .map(d -> d.run().runId()).sorted().collect(Collectors.joining(" "));
        assertEquals(removed, got);
    }

    @Test
    void everyRunGetsADecisionWithAReason() {
        List<Pruning.Decision> ds = Pruning.decide(RUNS, new Pruning.Rules(2, null), NOW);
        assertEquals(RUNS.size(), ds.size());
        assertEquals("not ended (running, or not yet collected: pvrun fetch b60)",
                ds.stream().filter(d -> d.run().runId().equals("b60")).findFirst().orElseThrow().why());
        assertEquals("beyond the 2 newest", ds.stream().filter(d -> d.run().runId().equals("a10")).findFirst().orElseThrow().why());
    }

    @Test
    void noRuleIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pruning.Rules(null, null));
        assertEquals("say what to prune: --keep N, --older-than AGE, or both", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Pruning.Rules(-1, null));
    }

    @ParameterizedTest
    @CsvSource({"20261126-051500-3fa2c1, 2026-11-26T05:15:00Z", "20200101-000000-abcdef, 2020-01-01T00:00:00Z"})
    void aRunIdSaysWhenItWasMade(String id, String when) {
        assertEquals(Instant.parse(when), Pruning.createdFromId(id));
    }

    @ParameterizedTest
    @CsvSource({"latest", "2026-11-26", "2026112x-051500-3fa2c1"})
    void otherNamesHaveNoTime(String id) {
        assertEquals(null, Pruning.createdFromId(id));
    }
}
