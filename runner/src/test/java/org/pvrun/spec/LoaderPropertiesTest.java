package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;

/**
 * Generated and mutated specs and targets files (docs/reliability.md#generated-input): whatever the document, the
 * loaders never crash, never hang past a bound, and either load it or refuse it with exit 2 and messages that each
 * point at FILE:LINE:COL. Documents are built from the loaders' own keys mixed with random ones, random values
 * (Unicode, YAML's special characters, huge scalars, deep nesting), anchors and aliases, then cut and spliced at
 * random.
 */
class LoaderPropertiesTest {
    static Path dir;
    static final YAMLMapper YAML = new YAMLMapper();
    /** Long enough for the largest document generated (the loader refuses over 1 MiB unread). */
    static final Duration BOUND = Duration.ofSeconds(5);

    @BeforeContainer
    static void aFolderWithAScriptAndAnInput() throws IOException {
        dir = Files.createTempDirectory("pvrun-properties-");
        Files.writeString(dir.resolve("s.py"), "pass\n");
        Files.writeString(dir.resolve("data.vti"), "x");
    }

    @AfterContainer
    static void removeIt() throws IOException {
        org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    }

    // ---------------------------------------------------------------------------------------- properties

    @Property(tries = 1500)
    void specsLoadOrFailWithAPlace(@ForAll("specs") String text) {
        Path file = write("spec.yaml", text);
        outcome(placeIn(file), () -> new SpecLoader().load(file, Map.of(), Map.of("HOME", dir.toString())));
    }

    @Property(tries = 1000)
    void targetsFilesLoadOrFailWithAPlace(@ForAll("targetsFiles") String text) {
        Path file = write("targets.yaml", text);
        outcome(placeIn(file), () -> new TargetsLoader().load(file, Map.of("HOME", dir.toString())));
    }

    @Property(tries = 500)
    void overridesAreTypedOrRefused(@ForAll("scalars") String value) {
        Path file = write("spec.yaml", "name: p\nscript: s.py\nparams: {x: 1}\n");
        // a value's own mistakes point into it: --set x:LINE:COL
        outcome(Pattern.compile("^(" + Pattern.quote(file.toString()) + "|--set x):\\d+:\\d+: .+"),
                () -> new SpecLoader().load(file, Map.of("x", value), Map.of("HOME", dir.toString())));
    }

    /** A load that succeeds, or a PvrunException of exit 2 whose every line starts with the file and a place. */
    static Pattern placeIn(Path file) {
        return Pattern.compile("^" + Pattern.quote(file.toString()) + ":\\d+:\\d+: .+");
    }

    static void outcome(Pattern place, Runnable load) {
        assertTimeoutPreemptively(BOUND, () -> {
            try {
                load.run();
            } catch (PvrunException e) {
                assertEquals(ExitCode.INVALID_INPUT, e.exitCode(), e.getMessage());
                for (String line : e.getMessage().lines().toList()) {
                    assertTrue(place.matcher(line).matches(), "a message without FILE:LINE:COL: " + line
                            + "\n--- all of it:\n" + e.getMessage());
                }
            } catch (RuntimeException | Error e) {
                fail("the loader crashed on a generated document: " + e, e);
            }
        });
    }

    static Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> specs() {
        return documents(SpecLoader.KEYS, true);
    }

    @Provide
    Arbitrary<String> targetsFiles() {
        Arbitrary<Map<String, Object>> target = map(TargetsLoader.KEYS, 0);
        Arbitrary<Map<String, Object>> targets = Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of("hopper", "local", "a b"),
                words()), target.map(m -> (Object) m)).ofMaxSize(3);
        Arbitrary<String> whole = targets.map(t -> {
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("targets", t);
            return yaml(top);
        });
        return Arbitraries.oneOf(whole, whole.flatMap(LoaderPropertiesTest::mutated), raw());
    }

    /** A spec-like document: mostly the loader's keys (with a real script now and then), some random ones. */
    static Arbitrary<String> documents(List<String> keys, boolean withScript) {
        Arbitrary<String> valid = map(keys, 0).map(m -> {
            Map<String, Object> doc = new LinkedHashMap<>(m);
            if (withScript && doc.size() % 2 == 0) {
                doc.put("name", "gen");
                doc.put("script", "s.py");
            }
            return yaml(doc);
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, valid),
                net.jqwik.api.Tuple.of(4, valid.flatMap(LoaderPropertiesTest::mutated)),
                net.jqwik.api.Tuple.of(1, raw()),
                net.jqwik.api.Tuple.of(1, valid.map(v -> "a: &x [1, 2]\nb: *x\n" + v)));
    }

    static Arbitrary<Map<String, Object>> map(List<String> keys, int depth) {
        Arbitrary<String> key = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, Arbitraries.of(keys)),
                net.jqwik.api.Tuple.of(1, words()));
        return Arbitraries.maps(key, value(depth)).ofMaxSize(8);
    }

    static Arbitrary<Object> value(int depth) {
        List<Arbitrary<?>> choices = new ArrayList<>(List.of(
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(i -> (Object) i),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null),
                scalars().map(s -> (Object) s),
                Arbitraries.of("*.png", "../x/*.vti", "/etc/passwd", "s.py", "data.vti", "20m", "00:30:00", "5.11",
                        ">=5.10", "{isovalue}", "local", "slurm", "xvfb", "").map(s -> (Object) s)));
        if (depth < 4) {
            choices.add(Arbitraries.lazy(() -> value(depth + 1)).list().ofMaxSize(4).map(l -> (Object) l));
            choices.add(Arbitraries.lazy(() -> map(List.of("from", "to", "step", "path", "as", "a", "b"), depth + 1))
                    .map(m -> (Object) m));
        }
        return Arbitraries.oneOf(choices.stream().map(a -> a.map(v -> (Object) v)).toList());
    }

    @Provide
    static Arbitrary<String> scalars() {
        Arbitrary<String> unicode = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<String> yamlish = Arbitraries.strings().withChars(":{}[],&*!|>'\"#%@`-?\n\t \\~=").ofMaxLength(20);
        Arbitrary<String> huge = Arbitraries.strings().withChars('a', 'z').ofMinLength(10_000).ofMaxLength(200_000);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, unicode), net.jqwik.api.Tuple.of(3, yamlish),
                net.jqwik.api.Tuple.of(1, huge));
    }

    static Arbitrary<String> words() {
        return Arbitraries.strings().alpha().numeric().withChars("_-. é").ofMinLength(1).ofMaxLength(12);
    }

    /** Bytes that are barely YAML: random characters, YAML's own punctuation, control characters. */
    static Arbitrary<String> raw() {
        return Arbitraries.strings().withChars(":{}[],&*!|>'\"#%@`-?\n\t \\ab1\u0000\u00e9\ufeff\u2028").ofMaxLength(200);
    }

    /** A document cut, spliced and sprinkled with YAML punctuation at random places. */
    static Arbitrary<String> mutated(String text) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, Math.max(0, text.length()));
        Arbitrary<String> bits = Arbitraries.strings().withChars(":{}[],&*!|>'\"#%@`-?\n\t \\").ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> insert = Combinators.combine(at, bits).as((i, b) -> text.substring(0, i) + b + text.substring(i));
        Arbitrary<String> cut = Combinators.combine(at, at).as((i, j) -> text.substring(0, Math.min(i, j)) + text.substring(Math.max(i, j)));
        Arbitrary<String> indent = at.map(i -> text.substring(0, i) + text.substring(i).replaceFirst("\n", "\n  "));
        return Arbitraries.oneOf(insert, cut, indent);
    }

    static String yaml(Object doc) {
        try {
            return YAML.writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
