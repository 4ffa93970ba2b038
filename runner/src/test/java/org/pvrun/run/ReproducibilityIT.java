package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Repo;
import org.pvrun.testing.TestCluster;
import org.w3c.dom.Document;

/** Nightly renders and figures made again months later: versions, provenance, rerun, baselines, doctor. */
@Tag("integration")
class ReproducibilityIT {
    @TempDir
    Path dir;

    Map<String, String> env() {
        return Map.of("PVRUN_STATE", dir.resolve("state").toString());
    }

    Path copyQuickstart(String extra) throws IOException {
        Path spec = dir.resolve("figure.yaml");
        Files.writeString(spec, "name: figure\nscript: " + Repo.root().resolve("samples/wavelet/contour.py") + "\n"
                + "params: {width: 320, height: 240, isovalue: 157}\noutputs: [\"*.png\"]\n" + extra);
        return spec;
    }

    @Test
    void aParaViewTheSpecDoesNotAllowIsRefusedWithBothVersions() throws IOException {
        Path spec = copyQuickstart("paraview: \">=5.12\"\n");
        Cli.Result r = Cli.run(env(), "run", spec.toString(), "-o", dir.resolve("res").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("needs ParaView >=5.12 but target local has ParaView 5.11.0"), r.err());
        assertFalse(Files.exists(dir.resolve("res/figure")), "a refused run wrote results");
        // the same on a cluster target, before anything is staged or submitted
        TestCluster cluster = TestCluster.require();
        Cli.Result remote = Cli.run(env(), "run", spec.toString(), "-t", "ci-slurm", "--targets",
                cluster.targetsFile(dir).toString(), "-o", dir.resolve("res").toString());
        assertEquals(3, remote.exitCode(), remote.toString());
        assertTrue(remote.err().contains("but target ci-slurm has ParaView 5.11.0"), remote.err());
    }

    @Test
    void manifestRecordsProvenanceAndRerunRepeatsTheFigure() throws IOException {
        // the shipped quick start, from this repository: the manifest names its commit
        Cli.Result r = Cli.run(env(), "run", Repo.pipeline("quickstart.yaml").toString(), "-o",
                dir.resolve("res").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        if (Files.exists(Repo.root().resolve(".git"))) {
            assertEquals(40, m.get("git").get("commit").asText().length(), m.toString());
            assertEquals(Repo.root().toString(), m.get("git").get("repository").asText());
        }
        assertEquals("5.11.0", m.get("paraview_version").asText());
        Path manifest = Path.of(m.get("run_dir").asText()).resolve("manifest.json");
        Cli.Result again = Cli.run(env(), "rerun", manifest.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("all 1 outputs identical"), again.out());
        assertTrue(again.out().contains("tasks/0000/contour.png"), again.out());
    }

    @Test
    void rerunRefusesWhenAnInputChanged() throws IOException {
        Files.writeString(dir.resolve("data.txt"), "one");
        Files.writeString(dir.resolve("cat.py"), "open('copy.txt', 'w').write(open('data.txt').read())\n");
        Files.writeString(dir.resolve("cat.yaml"), "name: cat\nscript: cat.py\ninputs: [data.txt]\n");
        Cli.Result r = Cli.run(env(), "run", dir.resolve("cat.yaml").toString(), "-o", dir.resolve("res").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Files.writeString(dir.resolve("data.txt"), "two");
        Cli.Result again = Cli.run(env(), "rerun", ManifestIO.JSON.readTree(r.out()).get("run_dir").asText());
        assertEquals(3, again.exitCode(), again.toString());
        assertTrue(again.err().contains("input data.txt"), again.err());
        assertTrue(again.err().contains("changed since the run"), again.err());
    }

    @Test
    void specBaselinePassesThenCatchesARegressionWithJUnitXml() throws Exception {
        Path spec = copyQuickstart("");
        Cli.Result first = Cli.run(env(), "run", spec.toString(), "-o", dir.resolve("res").toString(), "--json");
        assertEquals(0, first.exitCode(), first.toString());
        String runDir = ManifestIO.JSON.readTree(first.out()).get("run_dir").asText();
        Cli.Result promote = Cli.run(env(), "baseline", runDir, dir.resolve("baseline").toString());
        assertEquals(0, promote.exitCode(), promote.toString());

        Files.writeString(spec, Files.readString(spec) + "baseline: baseline\n");
        Cli.Result same = Cli.run(env(), "run", spec.toString(), "-o", dir.resolve("res").toString(), "--junit",
                dir.resolve("same.xml").toString());
        assertEquals(0, same.exitCode(), same.toString());
        assertTrue(same.out().contains("0 of 1 image regressed"), same.out());

        Cli.Result changed = Cli.run(env(), "run", spec.toString(), "-o", dir.resolve("res").toString(), "-s",
                "isovalue=200", "--junit", dir.resolve("changed.xml").toString());
        assertEquals(1, changed.exitCode(), changed.toString());
        assertTrue(changed.out().contains("REGRESSED"), changed.out());
        assertTrue(changed.out().matches("(?s).*diff: \\S+\\.diff\\.png.*"), changed.out());
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("changed.xml").toFile());
        assertTrue(xml.getElementsByTagName("failure").getLength() >= 1, "no failure in the JUnit XML");
        Document ok = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("same.xml").toFile());
        assertEquals(0, ok.getElementsByTagName("failure").getLength());
        assertTrue(ok.getElementsByTagName("testcase").getLength() >= 2, "a case per task and per image");
    }

    @Test
    void doctorPassesOnTheTestClusterAndLocally() throws IOException {
        TestCluster cluster = TestCluster.require();
        Path remoteChecks = Path.of(cluster.get("WORKDIR"), "pvrun-doctor");
        long before = count(remoteChecks);
        Cli.Result r = Cli.run(env(), "doctor", "-t", "ci-slurm", "--targets", cluster.targetsFile(dir).toString());
        assertEquals(0, r.exitCode(), r.toString());
        for (String check : new String[] {"connect", "scheduler", "pvbatch", "MPI with 2 ranks", "offscreen render"}) {
            assertTrue(r.out().matches("(?s).*\\n  ok   " + check + " .*"), "no ok line for " + check + ":\n" + r.out());
        }
        assertTrue(r.out().contains("pvrun doctor: all 5 checks passed"), r.out());
        Cli.Result local = Cli.run(env(), "doctor");
        assertEquals(0, local.exitCode(), local.toString());
        // the check runs are not the user's runs: not listed, and nothing of them is left here or on the target
        String list = Cli.run(env(), "list").out();
        assertTrue(!list.contains("pvrun-doctor"), list);
        assertEquals(before, count(remoteChecks), "the check run's directory on the target is removed");
    }

    static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void doctorSaysHowToFixAMissingPvbatch() {
        Cli.Result r = Cli.run(Map.of("PVRUN_STATE", dir.resolve("state").toString(), "PVRUN_PVBATCH", "/nonexistent/pvbatch"),
                "doctor");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAIL pvbatch"), r.out());
        assertTrue(r.out().contains("fix: ") && r.out().contains("apt-get install paraview"), r.out());
    }
}
