package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.report.RunFixtures;
import org.pvrun.report.TestImages;
import org.pvrun.run.StateDir;
import org.pvrun.testing.Cli;

/** {@code pvrun report} as users type it: which run, what it prints, when it refuses. */
class ReportCliTest {
    static final BufferedImage IMG = TestImages.disc(80, 60, 40, 30, 20);

    @Test
    void writesReportHtmlAndPrintsItsPath(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Map<String, String> env = Map.of("PVRUN_STATE", tmp.resolve("state").toString());
        for (String arg : new String[] {run.toString(), run.resolve("manifest.json").toString()}) {
            Cli.Result r = Cli.run(env, "report", arg);
            assertEquals(0, r.exitCode(), r.toString());
            Path report = run.toAbsolutePath().resolve("report.html");
            assertEquals(report.toString(), r.out().strip(), "only the path on stdout: " + r);
            assertTrue(Files.readString(report).contains("<img class=\"shot\""));
        }
    }

    @Test
    void withoutAnArgumentTheNewestRunAndByIdPrefix(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Map<String, String> env = Map.of("PVRUN_STATE", tmp.resolve("state").toString());
        new StateDir(env).add(new StateDir.Entry("20260101-000000-abcdef", "fixture", "local",
                run.toAbsolutePath().toString(), "2026-01-01T00:00:00Z"));

        Cli.Result newest = Cli.run(env, "report");
        assertEquals(0, newest.exitCode(), newest.toString());
        assertEquals(run.toAbsolutePath().resolve("report.html").toString(), newest.out().strip());

        Cli.Result byId = Cli.run(env, "report", "20260101-0000");
        assertEquals(0, byId.exitCode(), byId.toString());
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
    }

    @Test
    void aRunWithoutManifestExits2(@TempDir Path tmp) throws IOException {
        Map<String, String> env = Map.of("PVRUN_STATE", tmp.resolve("state").toString());
        Path inProgress = Files.createDirectories(tmp.resolve("running"));
        Files.writeString(inProgress.resolve("run.json"), "{}");
        Cli.Result r = Cli.run(env, "report", inProgress.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no manifest in " + inProgress.toAbsolutePath()), r.err());
        assertTrue(!Files.exists(inProgress.resolve("report.html")));

        Cli.Result none = Cli.run(env, "report", Files.createDirectories(tmp.resolve("empty")).toString());
        assertEquals(2, none.exitCode(), none.toString());

        Cli.Result noRuns = Cli.run(env, "report");
        assertEquals(2, noRuns.exitCode(), noRuns.toString());
        assertTrue(noRuns.err().contains("no runs recorded"), noRuns.err());
    }
}
