package org.pvrun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pvrun.report.TestImages.disc;
import static org.pvrun.report.TestImages.withBlock;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.PvrunException;
import org.pvrun.report.RunFixtures.TaskFixture;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;

/** A run against a baseline directory: which images pair up, what counts as missing, where diffs go. */
class ComparisonsTest {
    static final BufferedImage A = disc(64, 48, 30, 24, 15);
    static final BufferedImage B = disc(64, 48, 20, 20, 10);

    @Test
    void pairsImagesByTaskAndPathAndReportsBothKindsOfMissing(@TempDir Path tmp) throws IOException {
        Map<String, BufferedImage> task0 = new LinkedHashMap<>();
        task0.put("contour.png", A);
        task0.put("views/side.png", withBlock(B, 0, 0, 20, 20, 0xffff0000));
        task0.put("only-in-run.png", A);
        Path run = RunFixtures.write(tmp.resolve("run"), "p", "succeeded",
                List.of(TaskFixture.ok(task0), TaskFixture.ok(Map.of("contour.png", B))));
        Files.writeString(run.resolve("tasks/0000/data.csv"), "not an image");
        Map<String, BufferedImage> base = new LinkedHashMap<>();
        base.put("0000/contour.png", A);
        base.put("0000/views/side.png", B);
        base.put("0001/contour.png", B);
        base.put("0002/contour.png", A); // a task the run does not have
        Path baseline = RunFixtures.baseline(tmp.resolve("base"), base);
        Files.writeString(baseline.resolve("0000/._contour.png"), "macOS resource fork, not an image");

        List<ComparisonResult> rs = Comparisons.compare(run, RunFixtures.manifest(run), baseline,
                ImageComparison.Thresholds.DEFAULT);

        assertEquals(List.of("0000/contour.png", "0000/only-in-run.png", "0000/views/side.png", "0001/contour.png",
                "0002/contour.png"), rs.stream().map(ComparisonResult::name).toList());
        Map<String, ComparisonResult> by = new LinkedHashMap<>();
        rs.forEach(r -> by.put(r.name(), r));
        assertTrue(by.get("0000/contour.png").passed());
        assertTrue(by.get("0001/contour.png").passed());
        assertTrue(by.get("0000/only-in-run.png").reason().startsWith("no baseline image"), by.toString());
        assertTrue(by.get("0002/contour.png").reason().startsWith("missing from the run"), by.toString());
        ComparisonResult side = by.get("0000/views/side.png");
        assertFalse(side.passed());
        assertEquals(run.resolve("compare/0000/views/side.diff.png"), side.diffImage());
        assertTrue(Files.isRegularFile(side.diffImage()));

        JsonNode json = ManifestIO.JSON.readTree(run.resolve("compare/results.json").toFile());
        assertEquals(5, json.get("images").asInt());
        assertEquals(3, json.get("failed").asInt());
        JsonNode sideJson = json.get("results").get(2);
        assertEquals("0000/views/side.png", sideJson.get("name").asText());
        assertEquals("failed", sideJson.get("status").asText());
        assertEquals("tasks/0000/views/side.png", sideJson.get("image").asText());
        assertEquals("compare/0000/views/side.diff.png", sideJson.get("diff_image").asText());
        assertEquals(baseline.resolve("0000/views/side.png").toString(), sideJson.get("baseline").asText());
        assertEquals(400, sideJson.get("differing_pixels").asInt());
        assertFalse(json.get("results").get(0).has("diff_image"));
    }

    @Test
    void aNewComparisonRemovesTheOldDiffImages(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "a.png", A);
        Path bad = RunFixtures.baseline(tmp.resolve("bad"), Map.of("0000/a.png", B));
        Path good = RunFixtures.baseline(tmp.resolve("good"), Map.of("0000/a.png", A));
        Manifest m = RunFixtures.manifest(run);
        assertFalse(Comparisons.compare(run, m, bad, ImageComparison.Thresholds.DEFAULT).get(0).passed());
        assertTrue(Files.exists(run.resolve("compare/0000/a.diff.png")));
        assertTrue(Comparisons.compare(run, m, good, ImageComparison.Thresholds.DEFAULT).get(0).passed());
        assertFalse(Files.exists(run.resolve("compare/0000/a.diff.png")), "stale diff image kept");
    }

    @Test
    void missingBaselineDirectoryIsInvalidInput(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "a.png", A);
        PvrunException e = assertThrows(PvrunException.class, () -> Comparisons.compare(run,
                RunFixtures.manifest(run), tmp.resolve("nope"), ImageComparison.Thresholds.DEFAULT));
        assertEquals(2, e.exitCode());
        assertFalse(Files.exists(run.resolve("compare")), "wrote into the run on bad input");
    }

    @Test
    void namesAndPaths() {
        assertEquals("0003/a/b.png", Comparisons.baselineName("tasks/0003/a/b.png"));
        assertTrue(Comparisons.isImage("tasks/0000/x.PNG"));
        assertTrue(Comparisons.isImage("tasks/0000/x.tiff"));
        assertFalse(Comparisons.isImage("tasks/0000/x.vtp"));
        assertFalse(Comparisons.isImage("tasks/0000/png"));
        assertFalse(Comparisons.isImage("tasks/0000.png/data"));
        assertEquals(Path.of("/r/compare/0000/a.b.diff.png"), Comparisons.diffImagePath(Path.of("/r"), "0000/a.b.jpg"));
    }

    @Test
    void promotionCopiesVerifiesAndPrunes(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "p", "succeeded",
                List.of(TaskFixture.ok(Map.of("a.png", A, "sub/b.png", B))));
        Path dir = RunFixtures.baseline(tmp.resolve("base"), Map.of("0000/a.png", A, "0000/old.png", B,
                "0005/gone/x.png", A));
        Baselines.Promotion p = Baselines.promote(run, RunFixtures.manifest(run), dir);
        assertEquals(List.of(dir.resolve("0000/sub/b.png")), p.written());
        assertEquals(List.of(dir.resolve("0000/a.png")), p.unchanged());
        assertEquals(List.of(dir.resolve("0000/old.png"), dir.resolve("0005/gone/x.png")), p.removed());
        assertFalse(Files.exists(dir.resolve("0005")), "empty task folder left");
        assertEquals(List.of("0000/a.png", "0000/sub/b.png"), List.copyOf(Comparisons.baselineImages(dir).keySet()));
        JsonNode info = ManifestIO.JSON.readTree(dir.resolve("baseline.json").toFile());
        assertEquals("20260101-000000-abcdef", info.get("run_id").asText());
        assertEquals(2, info.get("images").size());
        // and the run now matches its own baseline
        assertTrue(Comparisons.compare(run, RunFixtures.manifest(run), dir, ImageComparison.Thresholds.DEFAULT)
                .stream().allMatch(ComparisonResult::passed));
    }

    @Test
    void promotionKeepsBaselineImagesOfTasksThatFailed(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.write(tmp.resolve("run"), "p", "failed", List.of(TaskFixture.ok(Map.of("a.png", A)),
                new TaskFixture("failed", "script exited with status 1", 1, Map.of(), "Traceback\n", Map.of())));
        Path dir = RunFixtures.baseline(tmp.resolve("base"), Map.of("0001/a.png", B));
        Baselines.Promotion p = Baselines.promote(run, RunFixtures.manifest(run), dir);
        assertEquals(List.of(dir.resolve("0001/a.png")), p.kept());
        assertTrue(p.removed().isEmpty());
    }

    @Test
    void promotionRefusesAnImageThatChangedSinceTheRun(@TempDir Path tmp) throws IOException {
        Path run = RunFixtures.oneImage(tmp.resolve("run"), "a.png", A);
        TestImages.write(B, run.resolve("tasks/0000/a.png"));
        PvrunException e = assertThrows(PvrunException.class,
                () -> Baselines.promote(run, RunFixtures.manifest(run), tmp.resolve("base")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("changed since the run"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("base")), "wrote a baseline anyway");
    }
}
