package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Repo;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * docs/man/*.adoc are picocli's AsciiDoc man pages of the command tree, committed so they can be read and
 * converted without building; this test fails when a command changed and they did not. Regenerate with
 * {@code PVRUN_UPDATE_GOLDEN=1} (or {@code -Dpvrun.updateGolden=true}) and review the diff.
 */
class ManPagesTest {

    @Test
    void manPagesAreCurrent(@TempDir Path tmp) throws IOException {
        Map<String, String> generated = generate(tmp);
        assertTrue(generated.containsKey("pvrun.adoc") && generated.containsKey("pvrun-run.adoc")
                && generated.containsKey("pvrun-init.adoc") && generated.containsKey("pvrun-completion.adoc"),
                generated.keySet().toString());
        Path dir = Repo.root().resolve("docs/man");
        if ("1".equals(System.getenv("PVRUN_UPDATE_GOLDEN")) || Boolean.getBoolean("pvrun.updateGolden")) {
            Files.createDirectories(dir);
            for (Path stale : list(dir).keySet().stream().filter(n -> !generated.containsKey(n)).map(dir::resolve).toList()) {
                Files.delete(stale);
            }
            for (Map.Entry<String, String> e : generated.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        Map<String, String> committed = list(dir);
        assertEquals(generated.keySet(), committed.keySet(),
                "docs/man/ lists other commands than pvrun has (PVRUN_UPDATE_GOLDEN=1 rewrites it)");
        for (Map.Entry<String, String> e : generated.entrySet()) {
            assertEquals(e.getValue(), committed.get(e.getKey()),
                    "docs/man/" + e.getKey() + " is stale (PVRUN_UPDATE_GOLDEN=1 rewrites it)");
        }
    }

    @Test
    void pagesDescribeTheRealOptions(@TempDir Path tmp) throws IOException {
        Map<String, String> pages = generate(tmp);
        assertTrue(pages.get("pvrun.adoc").contains("= pvrun(1)"), pages.get("pvrun.adoc"));
        assertTrue(pages.get("pvrun.adoc").contains("xref:pvrun-validate.adoc[*validate*]"), pages.get("pvrun.adoc"));
        assertTrue(pages.get("pvrun-run.adoc").contains("*--dry-run*::"), pages.get("pvrun-run.adoc"));
        assertTrue(pages.get("pvrun-init.adoc").contains("*-d*, *--dir*=_DIR_::"), pages.get("pvrun-init.adoc"));
    }

    /** The pages, by file name; the version line is "pvrun dev" from classes, whatever pvbatch is installed. */
    static Map<String, String> generate(Path out) throws IOException {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cl = CommandLineFactory.create(sink, sink, Map.of("PVRUN_PVBATCH", "/nonexistent/pvbatch"));
        int code = ManPageGenerator.generateManPage(out.toFile(), null, new boolean[0], false, cl.getCommandSpec());
        assertEquals(0, code, "ManPageGenerator failed");
        return list(out);
    }

    private static Map<String, String> list(Path dir) throws IOException {
        Map<String, String> pages = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return pages;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".adoc")).toList()) {
                pages.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return pages;
    }
}
