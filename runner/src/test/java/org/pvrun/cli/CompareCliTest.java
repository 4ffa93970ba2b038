package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.report.RunFixtures;
import org.pvrun.report.RunFixtures.TaskFixture;
import org.pvrun.report.TestImages;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;

/** {@code pvrun baseline} and {@code pvrun compare} as users type them: exit codes, lines, files. */
class CompareCliTest {
    static final BufferedImage IMG = TestImages.disc(80, 60, 40, 30, 20);
    static final BufferedImage CHANGED = TestImages.withBlock(IMG, 30, 20, 20, 20, 0xff00ff00);

    @Test
    void baselineThenCompareSameImagesExits0(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Path base = tmp.resolve("baselines/fixture");
        Cli.Result b = Cli.run("baseline", run.toString(), base.toString());
        assertEquals(0, b.exitCode(), b.toString());
        assertTrue(b.out().contains("wrote      " + base.resolve("0000/contour.png")), b.out());
        assertTrue(Files.isRegularFile(base.resolve("0000/contour.png")));

        Cli.Result c = Cli.run("compare", run.toString(), base.toString());
        assertEquals(0, c.exitCode(), c.toString());
        assertTrue(c.out().contains("ok         0000/contour.png  0 of 4800 pixels differ"), c.out());
        assertTrue(c.out().contains("pvrun: 0 of 1 image regressed"), c.out());
    }

    @Test
    void regressionExits1AndNamesTheDiffImage(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", CHANGED);
        Path base = RunFixtures.baseline(tmp.resolve("base"), Map.of("0000/contour.png", IMG));
        Path junit = tmp.resolve("ci/junit.xml");
        Cli.Result c = Cli.run("compare", run.resolve("manifest.json").toString(), base.toString(),
                "--junit", junit.toString());
        assertEquals(1, c.exitCode(), c.toString());
        Path diff = run.resolve("compare/0000/contour.diff.png");
        assertTrue(c.out().contains("REGRESSED  0000/contour.png  8.3 % of pixels differ by more than 10"), c.out());
        assertTrue(c.out().contains("diff: " + diff), c.out());
        assertTrue(Files.isRegularFile(diff));
        String xml = Files.readString(junit);
        assertTrue(xml.contains("failures=\"1\""), xml);
        assertTrue(xml.contains("<testcase classname=\"fixture.images\" name=\"0000/contour.png\""), xml);
    }

    @Test
    void aBaselineMadeFromAnotherPipelineIsNamedInAWarning(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Path base = tmp.resolve("baselines/fixture");
        assertEquals(0, Cli.run("baseline", run.toString(), base.toString()).exitCode());
        Cli.Result same = Cli.run("compare", run.toString(), base.toString());
        assertFalse(same.err().contains("warning"), same.err());
        // the baseline now says another pipeline made it
        JsonNode info = ManifestIO.JSON.readTree(base.resolve("baseline.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) info).put("pipeline", "slicer");
        ManifestIO.JSON.writeValue(base.resolve("baseline.json").toFile(), info);
        Cli.Result other = Cli.run("compare", run.toString(), base.toString(), "-q");
        assertEquals(0, other.exitCode(), other.toString());
        assertTrue(other.err().contains("pvrun: warning: baseline " + base + " was made from pipeline slicer (run "), other.err());
        assertTrue(other.err().contains("this run is of pipeline fixture: are these the images to compare?"), other.err());
    }

    @Test
    void thresholdsFromTheCommandLineDecide(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", CHANGED);
        Path base = RunFixtures.baseline(tmp.resolve("base"), Map.of("0000/contour.png", IMG));
        assertEquals(0, Cli.run("compare", run.toString(), base.toString(), "--max-fraction", "10%").exitCode());
        assertEquals(0, Cli.run("compare", run.toString(), base.toString(), "--max-fraction", "0.09").exitCode());
        assertEquals(1, Cli.run("compare", run.toString(), base.toString(), "--max-fraction", "0.08").exitCode());
        assertEquals(0, Cli.run("compare", run.toString(), base.toString(), "--tolerance", "255").exitCode());
    }

    @Test
    void jsonIsTheOnlyThingOnStdout(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", CHANGED);
        Path base = RunFixtures.baseline(tmp.resolve("base"), Map.of("0000/contour.png", IMG));
        Cli.Result c = Cli.run("compare", run.toString(), base.toString(), "--json");
        assertEquals(1, c.exitCode(), c.toString());
        JsonNode j = ManifestIO.JSON.readTree(c.out());
        assertEquals(1, j.get("failed").asInt());
        assertEquals(10, j.get("tolerance").asInt());
        assertEquals(0.001, j.get("max_fraction").asDouble());
        assertEquals("compare/0000/contour.diff.png", j.get("results").get(0).get("diff_image").asText());
        assertTrue(c.err().contains("REGRESSED"), "regressions should still reach stderr: " + c.err());
    }

    @Test
    void badInputExits2(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "contour.png", IMG);
        Path base = RunFixtures.baseline(tmp.resolve("base"), Map.of("0000/contour.png", IMG));
        Cli.Result noManifest = Cli.run("compare", tmp.toString(), base.toString());
        assertEquals(2, noManifest.exitCode(), noManifest.toString());
        assertTrue(noManifest.err().contains("not a finished run"), noManifest.err());
        Cli.Result noBase = Cli.run("compare", run.toString(), tmp.resolve("nope").toString());
        assertEquals(2, noBase.exitCode(), noBase.toString());
        assertTrue(noBase.err().contains("baseline directory not found"), noBase.err());
        Cli.Result badFraction = Cli.run("compare", run.toString(), base.toString(), "--max-fraction", "150%");
        assertEquals(2, badFraction.exitCode(), badFraction.toString());
        Cli.Result badTolerance = Cli.run("compare", run.toString(), base.toString(), "--tolerance", "300");
        assertEquals(2, badTolerance.exitCode(), badTolerance.toString());
        assertTrue(badTolerance.err().contains("tolerance must be 0..255"), badTolerance.err());
        for (Cli.Result r : List.of(noManifest, noBase, badFraction, badTolerance)) {
            assertFalse(r.err().contains("\tat "), "stack trace:\n" + r.err());
        }
    }

    @Test
    void baselineRefusesAFailedRunUnlessForced(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "fixture", "failed", List.of(
                TaskFixture.ok(Map.of("contour.png", IMG)),
                new TaskFixture("failed", "script exited with status 1", 1, Map.of(), "boom\n", Map.of())));
        Path base = tmp.resolve("base");
        Cli.Result refused = Cli.run("baseline", run.toString(), base.toString());
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("--force"), refused.err());
        assertFalse(Files.exists(base), "wrote a baseline for a failed run");
        Cli.Result forced = Cli.run("baseline", run.toString(), base.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(Files.isRegularFile(base.resolve("0000/contour.png")));
    }

    @Test
    void helpListsTheNewCommandsAndFormatsCleanly() {
        Cli.Result r = Cli.run("--help");
        assertTrue(r.out().contains("compare"), r.out());
        assertTrue(r.out().contains("baseline"), r.out());
        // picocli formats help texts with String.format and complains on System.err about a bare '%'
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (String cmd : List.of("compare", "baseline")) {
                Cli.Result h = Cli.run(cmd, "--help");
                assertEquals(0, h.exitCode(), h.toString());
                assertTrue(h.out().contains("Usage: pvrun " + cmd), h.out());
            }
        } finally {
            System.setErr(saved);
        }
        assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
