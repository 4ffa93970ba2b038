package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.io.FileUtils;
import org.pvrun.results.ManifestIO;

/**
 * A task's params reach the script as they were given (docs/runtime.md#params): random params (Unicode, control
 * characters, huge and tiny numbers, nesting) written to params.json the way the engine writes it, read by the
 * runtime's own {@code pvrun} module under python3, and sent back: equal, value for value.
 */
class ParamsPropertiesTest {
    static final Path RUNTIME = Path.of("src/main/resources/org/pvrun/runtime");

    @Provide
    Arbitrary<List<Map<String, Object>>> batches() {
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(20), value(0)).ofMaxSize(6).list()
                .ofMinSize(1).ofMaxSize(25);
    }

    static Arbitrary<Object> value(int depth) {
        List<Arbitrary<Object>> choices = new java.util.ArrayList<>(List.of(
                Arbitraries.strings().ofMaxLength(60).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null)));
        if (depth < 3) {
            choices.add(Arbitraries.lazy(() -> value(depth + 1)).list().ofMaxSize(4).map(l -> (Object) l));
            choices.add(Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), Arbitraries.lazy(() -> value(depth + 1)))
                    .ofMaxSize(3).map(m -> (Object) m));
        }
        return Arbitraries.oneOf(choices);
    }

    @Property(tries = 40)
    void paramsReachTheScriptUnchanged(@ForAll("batches") List<Map<String, Object>> batch) throws Exception {
        Path dir = Files.createTempDirectory("pvrun-params-");
        try {
            StringBuilder py = new StringBuilder("import json, os, sys\nsys.path.insert(0, " + pyString(RUNTIME.toAbsolutePath()
                    .toString()) + ")\nimport pvrun\nout = []\n");
            for (int i = 0; i < batch.size(); i++) {
                Path task = Files.createDirectories(dir.resolve("t" + i));
                Files.write(task.resolve("params.json"), ManifestIO.JSON.writeValueAsBytes(batch.get(i)));
                py.append("pvrun._load({'dir': ").append(pyString(task.toString())).append(", 'index': ").append(i)
                        .append("})\nout.append(dict(pvrun.params))\n");
            }
            py.append("sys.stdout.write(json.dumps(out))\n");
            Process p = new ProcessBuilder("python3", "-c", py.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().close();
            String back = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), back);
            JsonNode sent = ManifestIO.JSON.valueToTree(batch);
            JsonNode got = ManifestIO.JSON.readTree(back);
            assertTrue(sent.equals(BY_VALUE, got), "sent " + sent + "\ngot  " + got);
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
        }
    }

    /** Numbers compare by value: Java writes 1.0E10, Python 10000000000.0. */
    static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a instanceof NumericNode && b instanceof NumericNode) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
    };

    static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
