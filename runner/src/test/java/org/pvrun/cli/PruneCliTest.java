package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;

/**
 * {@code pvrun prune} through the real command line, on real runs made by the engine (on the stand-in pvbatch, so
 * no ParaView is needed): the dry run lists exactly what the real prune then removes, and nothing else goes.
 */
class PruneCliTest {
    @TempDir
    Path tmp;
    Map<String, String> env;
    Path results;

    @BeforeEach
    void twoPipelines() throws IOException {
        Path pvbatch = Training.standInPvbatch(tmp.resolve("standin"));
        env = Map.of("PVRUN_PVBATCH", pvbatch.toString(), "PVRUN_STATE", tmp.resolve("state").toString());
        results = tmp.resolve("results");
        Files.writeString(tmp.resolve("s.py"), "open('out.txt', 'w').write('x')\n");
        for (String name : List.of("alpha", "beta")) {
            Files.writeString(tmp.resolve(name + ".yaml"), "name: " + name + "\nscript: s.py\ndisplay: offscreen\n"
                    + "outputs: [\"*.txt\"]\ntarget: local\n");
        }
    }

    /** The pipeline's runs, oldest first (by the time the run record gives: ids made in one second sort at random). */
    List<Path> runsOf(String pipeline) throws IOException {
        try (Stream<Path> s = Files.list(results.resolve(pipeline))) {
            return s.sorted(java.util.Comparator.comparing(PruneCliTest::started)).toList();
        }
    }

    static String started(Path run) {
        try {
            return ManifestIO.JSON.readTree(run.resolve("run.json").toFile()).get("started").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void make(String pipeline, int n) {
        for (int i = 0; i < n; i++) {
            Cli.Result r = Cli.run(env, "run", tmp.resolve(pipeline + ".yaml").toString(), "-q", "-o", results.toString());
            assertEquals(0, r.exitCode(), r.toString());
        }
    }

    @Test
    void theDryRunListsExactlyWhatPruneThenRemoves() throws IOException {
        make("alpha", 4);
        make("beta", 1);
        List<Path> alpha = runsOf("alpha");
        List<Path> beta = runsOf("beta");

        Cli.Result dry = Cli.run(env, "prune", "--keep", "2", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        List<String> listed = new ArrayList<>();
        dry.out().lines().filter(l -> l.startsWith("would remove ")).forEach(l -> listed.add(l.split(" ")[2]));
        assertEquals(List.of(alpha.get(1).toString(), alpha.get(0).toString()), listed, dry.out());
        assertTrue(dry.out().contains("pvrun: would remove 2 runs"), dry.out());
        assertEquals(alpha, runsOf("alpha"), "a dry run removes nothing");

        Cli.Result real = Cli.run(env, "prune", "--keep", "2");
        assertEquals(0, real.exitCode(), real.toString());
        assertEquals(alpha.subList(2, 4), runsOf("alpha"));
        assertEquals(beta, runsOf("beta"));
        String list = Cli.run(env, "list").out();
        assertFalse(list.contains(alpha.get(0).getFileName().toString()), list);
        assertTrue(list.contains(alpha.get(3).getFileName().toString()), list);
    }

    @Test
    void olderThanGoesByTheRunIdAndNeverTakesABaselineOrARunNotEnded() throws IOException {
        make("alpha", 1);
        Path fresh = runsOf("alpha").get(0);
        // an old run the index does not know (copied from another machine, say), found under -o
        Path old = results.resolve("alpha/20200101-000000-abcdef");
        FileUtils.copyDirectory(fresh.toFile(), old.toFile());
        // an old run that never ended: no manifest
        Path unfinished = results.resolve("alpha/20200102-000000-abcdef");
        FileUtils.copyDirectory(fresh.toFile(), unfinished.toFile());
        Files.delete(unfinished.resolve("manifest.json"));
        // a baseline kept among the results
        Path baseline = results.resolve("alpha/20200103-000000-abcdef");
        FileUtils.copyDirectory(fresh.toFile(), baseline.toFile());
        Files.writeString(baseline.resolve("baseline.json"), "{}");

        Cli.Result dry = Cli.run(env, "prune", "--older-than", "30d", "-o", results.toString(), "--dry-run");
        assertEquals(List.of("would remove " + old + " (" + FileUtils.byteCountToDisplaySize(FileUtils.sizeOfDirectory(old.toFile())) + ")"),
                dry.out().lines().filter(l -> l.startsWith("would remove ")).toList(), dry.toString());
        Cli.Result real = Cli.run(env, "prune", "--older-than", "30d", "-o", results.toString(), "-q");
        assertEquals(0, real.exitCode(), real.toString());
        assertEquals("", real.out(), "-q prints nothing when all went well");
        assertFalse(Files.exists(old));
        assertTrue(Files.isDirectory(fresh) && Files.isDirectory(unfinished) && Files.isDirectory(baseline));
    }

    @Test
    void badRulesAreExit2WithWhatIsExpected() {
        Cli.Result none = Cli.run(env, "prune");
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("say what to prune: --keep N, --older-than AGE, or both"), none.err());
        Cli.Result age = Cli.run(env, "prune", "--older-than", "soon");
        assertEquals(2, age.exitCode(), age.toString());
        assertTrue(age.err().contains("--older-than: bad duration 'soon'"), age.err());
    }
}
