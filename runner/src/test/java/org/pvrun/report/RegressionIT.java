package org.pvrun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.w3c.dom.Document;

/** Image regression on real pvbatch renders: a baseline, a repeat that matches it, a changed param that does not. */
@Tag("integration")
class RegressionIT {

    @Test
    void aRepeatRenderMatchesItsBaselineAndAChangedIsovalueRegresses(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        Path first = render(results);
        Path base = tmp.resolve("baselines/quickstart");
        Cli.Result b = Cli.run("baseline", first.toString(), base.toString());
        assertEquals(0, b.exitCode(), b.toString());
        assertTrue(Files.isRegularFile(base.resolve("0000/contour.png")), b.toString());

        Path second = render(results);
        Cli.Result same = Cli.run("compare", second.toString(), base.toString(), "--junit", tmp.resolve("same.xml").toString());
        assertEquals(0, same.exitCode(), same.toString());
        assertTrue(same.out().contains("ok         0000/contour.png"), same.out());
        assertEquals(0, failures(tmp.resolve("same.xml")));

        Path changed = render(results, "-s", "isovalue=200");
        Path junit = tmp.resolve("ci/junit.xml");
        Cli.Result regressed = Cli.run("compare", changed.toString(), base.toString(), "--junit", junit.toString());
        assertEquals(1, regressed.exitCode(), regressed.toString());
        assertTrue(regressed.out().contains("REGRESSED  0000/contour.png"), regressed.out());
        Path diff = changed.resolve("compare/0000/contour.diff.png");
        BufferedImage img = ImageComparison.read(diff);
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
        Document doc = parse(junit);
        assertEquals(1, failures(junit));
        assertEquals(2, doc.getElementsByTagName("testcase").getLength(), "one task, one image");
        assertEquals("quickstart.images", doc.getElementsByTagName("testsuite").item(1).getAttributes()
                .getNamedItem("name").getNodeValue());
    }

    private static Path render(Path results, String... extra) throws Exception {
        String[] args = new String[4 + extra.length];
        args[0] = "run";
        args[1] = Repo.pipeline("quickstart.yaml").toString();
        args[2] = "-o";
        args[3] = results.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
        withJson[args.length] = "--json";
        Cli.Result r = Cli.run(withJson);
        assertEquals(0, r.exitCode(), r.toString());
        return Path.of(ManifestIO.JSON.readTree(r.out()).get("run_dir").asText());
    }

    private static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(xml.toFile());
    }

    private static int failures(Path xml) throws Exception {
        return Integer.parseInt(parse(xml).getDocumentElement().getAttribute("failures"));
    }
}
