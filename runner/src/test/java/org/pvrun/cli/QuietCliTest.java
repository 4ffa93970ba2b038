package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

/** What {@code -q} leaves, as cron mails it: nothing when all went well; a detached run's id alone. Stand-in pvbatch. */
class QuietCliTest {
    @TempDir
    Path tmp;
    Map<String, String> env;
    Path spec;

    @BeforeEach
    void aPipeline() throws Exception {
        env = Map.of("PVRUN_PVBATCH", Training.standInPvbatch(tmp.resolve("standin")).toString(),
                "PVRUN_STATE", tmp.resolve("state").toString());
        Files.writeString(tmp.resolve("s.py"), "open('out.txt', 'w').write('x')\n");
        spec = Files.writeString(tmp.resolve("q.yaml"), "name: q\nscript: s.py\ndisplay: offscreen\noutputs: [\"*.txt\"]\n");
    }

    @Test
    void aSuccessfulRunPrintsNothing() {
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-q", "-o", tmp.resolve("results").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertEquals("", r.err());
    }

    @Test
    void aSuccessfulRunWithItsReportPrintsNothingAndWritesThePage() throws Exception {
        Path withReport = Files.writeString(tmp.resolve("r.yaml"), Files.readString(spec).replace("name: q", "name: r")
                + "report: true\n");
        Cli.Result r = Cli.run(env, "run", withReport.toString(), "-q", "-o", tmp.resolve("results").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.out() + r.err());
        try (var runs = Files.list(tmp.resolve("results/r"))) {
            assertTrue(Files.isRegularFile(runs.findFirst().orElseThrow().resolve("report.html")));
        }
    }

    @Test
    void aDetachedRunPrintsItsIdAloneAndFetchCollectsIt() {
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-q", "--detach", "-o", tmp.resolve("results").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().matches("\\d{8}-\\d{6}-[0-9a-f]{6}\\n"), r.toString());
        Cli.Result f = Cli.run(env, "fetch", r.out().strip(), "-q");
        assertEquals(0, f.exitCode(), f.toString());
        assertEquals("", f.out() + f.err());
        assertTrue(Files.isRegularFile(tmp.resolve("results/q").resolve(r.out().strip()).resolve("manifest.json")));
    }

    @Test
    void listSaysWhenItShowsOnlySomeRuns() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, Cli.run(env, "run", spec.toString(), "-q", "-o", tmp.resolve("results").toString()).exitCode());
        }
        Cli.Result r = Cli.run(env, "list", "-n", "2");
        assertEquals(3, r.out().lines().count(), r.out());
        assertTrue(r.out().endsWith("... and 1 older run (pvrun list -n 3 shows all)\n"), r.out());
        assertEquals(3, Cli.run(env, "list").out().lines().count(), "no note when all are shown");
    }
}
