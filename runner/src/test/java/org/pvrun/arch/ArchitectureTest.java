package org.pvrun.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.pvrun.testing.Repo;

/**
 * The packages follow the data (docs/design.md): each may use only the packages of lower layers, never one
 * of its own layer or above, so there is no cycle. Read from the main sources' imports and the fully
 * qualified names in their code (comments aside).
 */
class ArchitectureTest {
    /** Layers, lowest first; packages of one layer are independent of each other (transport and scheduler). */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("org.pvrun", "util"),
            Set.of("spec"),
            Set.of("plan"),
            Set.of("transport", "scheduler"),
            Set.of("job", "connect"),
            Set.of("results", "movie"),
            Set.of("report"),
            Set.of("run"),
            Set.of("serve"),
            Set.of("cli"));

    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.pvrun\\.([a-z]+)\\.(?:[a-z]+\\.)*[A-Z]");
    private static final Pattern ROOT_REFERENCE = Pattern.compile("\\borg\\.pvrun\\.[A-Z]");

    static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }

    /** Top-level package (below org.pvrun) → the top-level packages its code refers to. */
    static Map<String, Set<String>> uses(Path mainJava) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        Path base = mainJava.resolve("org/pvrun");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = base.relativize(f);
                String own = rel.getNameCount() == 1 ? "org.pvrun" : rel.getName(0).toString();
                Set<String> used = uses.computeIfAbsent(own, k -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue;
                    }
                    int comment = code.indexOf("//");
                    if (comment >= 0 && !code.substring(0, comment).contains("\"")) {
                        code = code.substring(0, comment);
                    }
                    Matcher m = REFERENCE.matcher(code);
                    while (m.find()) {
                        used.add(m.group(1));
                    }
                    if (ROOT_REFERENCE.matcher(code).find()) {
                        used.add("org.pvrun");
                    }
                }
                used.remove(own);
            }
        }
        return uses;
    }

    @Test
    void everyPackageHasALayerAndUsesOnlyLowerOnes() throws IOException {
        Map<String, Set<String>> uses = uses(Repo.root().resolve("runner/src/main/java"));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            int own = layer(e.getKey());
            if (own < 0) {
                wrong.add(e.getKey() + " has no layer: add it to ArchitectureTest.LAYERS and docs/design.md");
                continue;
            }
            for (String dep : e.getValue()) {
                if (layer(dep) >= own) {
                    wrong.add(e.getKey() + " uses " + dep + " (layer " + layer(dep) + " is not below " + own + ")");
                }
            }
        }
        assertEquals(List.of(), wrong, "imports against the data flow:\n" + String.join("\n", wrong));
    }

    @Test
    void noCyclesBetweenPackages() throws IOException {
        Map<String, Set<String>> uses = uses(Repo.root().resolve("runner/src/main/java"));
        String cycle = findCycle(uses);
        assertTrue(cycle == null, "packages in a cycle: " + cycle);
    }

    @Test
    void theCheckSeesAViolationAndACycle() {
        Map<String, Set<String>> bad = new LinkedHashMap<>();
        bad.put("run", Set.of("report"));
        bad.put("report", Set.of("run"));
        assertEquals("run -> report -> run", findCycle(bad));
        assertTrue(layer("report") < layer("run") && layer("cli") > layer("run"));
    }

    /** A cycle as "a -> b -> a", or null. */
    static String findCycle(Map<String, Set<String>> uses) {
        for (String start : uses.keySet()) {
            List<String> path = new ArrayList<>(List.of(start));
            String found = walk(uses, path, new TreeSet<>());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String walk(Map<String, Set<String>> uses, List<String> path, Set<String> done) {
        String at = path.get(path.size() - 1);
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                return String.join(" -> ", path) + " -> " + next;
            }
            if (!path.contains(next) && done.add(at + ">" + next)) {
                path.add(next);
                String found = walk(uses, path, done);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }
}
