package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever a scheduler's tools print (garbage, a truncated answer, another version's columns), the parsers of every
 * scheduler never crash and never hang: each returns what it could read, or refuses the whole answer with an
 * IllegalArgumentException that says what came instead, which the monitor takes as a failed query
 * (docs/reliability.md#generated-input); nothing else. Inputs are random
 * text, and real captured output (runner/src/test/resources/scheduler-output) cut and spliced at random.
 */
class ParserPropertiesTest {
    static final List<String> CAPTURED = captured();

    static List<String> captured() {
        Path dir = Path.of("src/test/resources/scheduler-output");
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".md")).toList()) {
                out.add(Files.readString(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Provide
    Arbitrary<String> output() {
        Arbitrary<String> random = Arbitraries.strings().withChars(" \t\n|;:_[]%-.0123456789abcdefRPDCGFTOUtz()<>/=\"'")
                .ofMaxLength(400);
        Arbitrary<String> unicode = Arbitraries.strings().ofMaxLength(200);
        Arbitrary<String> captured = Arbitraries.of(CAPTURED);
        Arbitrary<String> spliced = captured.flatMap(c -> Arbitraries.integers().between(0, c.length())
                .flatMap(i -> Arbitraries.integers().between(i, c.length()).flatMap(j -> random.map(r ->
                        c.substring(0, i) + r + c.substring(j)))));
        return Arbitraries.frequencyOf(Tuple.of(3, random), Tuple.of(1, unicode), Tuple.of(2, captured), Tuple.of(4, spliced));
    }

    static void readsOrRefuses(java.util.function.Supplier<Object> parse) {
        try {
            parse.get();
        } catch (IllegalArgumentException saysWhatCameInstead) {
            assertNotNull(saysWhatCameInstead.getMessage());
        }
    }

    @Property(tries = 1500)
    void parsersNeverCrash(@ForAll("output") String text) {
        // "none" has no tools whose output to read: its jobs are followed by their files
        for (String name : Schedulers.NAMES.stream().filter(n -> !n.equals("none")).toList()) {
            Scheduler s = Schedulers.forName(name);
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                readsOrRefuses(() -> s.parseStatus(text));
                readsOrRefuses(() -> s.parseHistory(text));
                readsOrRefuses(() -> s.parseJobScripts(text, "/home/u/pvrun/p/r/jobs/r1/job.sh"));
                readsOrRefuses(() -> s.parseJobId(text));
            }, name);
        }
    }
}
