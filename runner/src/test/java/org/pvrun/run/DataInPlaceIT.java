package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;
import org.pvrun.util.Hashes;

/**
 * Data in place (docs/spec.md#data) through SSH + Slurm: files that live only on the target (the test user's home,
 * never in the spec's folder) are read where they are by real pvbatch, recorded with size, time and hash, and a
 * rerun refuses once one is touched.
 */
@Tag("integration")
class DataInPlaceIT {
    @TempDir
    Path dir;
    TestCluster cluster;
    Path data;
    Path targets;

    static final String TRIANGLE = "# vtk DataFile Version 3.0\ntriangle\nASCII\nDATASET POLYDATA\nPOINTS 3 float\n"
            + "0 0 0 1 0 0 0 1 0\nPOLYGONS 1 4\n3 0 1 2\n";
    static final String PIECE = "<?xml version=\"1.0\"?>\n<VTKFile type=\"UnstructuredGrid\" version=\"0.1\">\n"
            + "<UnstructuredGrid><Piece NumberOfPoints=\"3\" NumberOfCells=\"1\">\n"
            + "<Points><DataArray type=\"Float32\" NumberOfComponents=\"3\" format=\"ascii\">0 0 0 1 0 0 0 1 0</DataArray></Points>\n"
            + "<Cells><DataArray type=\"Int32\" Name=\"connectivity\" format=\"ascii\">0 1 2</DataArray>\n"
            + "<DataArray type=\"Int32\" Name=\"offsets\" format=\"ascii\">3</DataArray>\n"
            + "<DataArray type=\"UInt8\" Name=\"types\" format=\"ascii\">5</DataArray></Cells>\n"
            + "</Piece></UnstructuredGrid></VTKFile>\n";
    static final String PVTU = "<?xml version=\"1.0\"?>\n<VTKFile type=\"PUnstructuredGrid\" version=\"0.1\">\n"
            + "<PUnstructuredGrid GhostLevel=\"0\"><PPoints><PDataArray type=\"Float32\" NumberOfComponents=\"3\"/></PPoints>\n"
            + "<Piece Source=\"step_1/step_1_0.vtu\"/>\n</PUnstructuredGrid></VTKFile>\n";

    @BeforeEach
    void dataOnTheTarget() throws Exception {
        cluster = TestCluster.require();
        // the test user's home on the login node: a place the spec's folder knows nothing of
        data = Files.createDirectories(Path.of(cluster.get("WORKDIR")).getParent().resolve("data-it-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        Files.writeString(data.resolve("triangle.vtk"), TRIANGLE);
        Files.createDirectories(data.resolve("sim/step_1"));
        Files.writeString(data.resolve("sim/step_1.pvtu"), PVTU);
        Files.writeString(data.resolve("sim/step_1/step_1_0.vtu"), PIECE);
        ClusterPipelinesIT.exec("chown", "-R", cluster.get("SSH_USER"), data.toString());
        String text = Files.readString(cluster.targetsFile(dir));
        Matcher m = Pattern.compile("  ci-slurm:\n((?:    .*\n)+)").matcher(text);
        assertTrue(m.find(), text);
        targets = Files.writeString(dir.resolve("targets-data.yaml"), text + "  ci-slurm-data:\n" + m.group(1)
                + "    data_root: " + data + "\n");
        Files.writeString(dir.resolve("render.py"), "from paraview.simple import *\n"
                + "shape = LegacyVTKReader(FileNames=['shape.vtk'])\n"
                + "Show(shape)\nRender()\nSaveScreenshot('shape.png', ImageResolution=[200, 150])\n"
                + "sim = OpenDataFile('step_1.pvtu')\nsim.UpdatePipeline()\n"
                + "open('cells.txt', 'w').write(str(sim.GetDataInformation().GetNumberOfCells()))\n");
    }

    @AfterEach
    void removeData() throws Exception {
        FileUtils.deleteDirectory(data.toFile());
    }

    @Test
    void rendersDataThatLivesOnlyOnTheTargetAndRerunRefusesOnceItIsTouched() throws Exception {
        Path spec = Files.writeString(dir.resolve("inplace.yaml"), "name: inplace\nscript: render.py\n"
                + "outputs: [\"*.png\", \"*.txt\"]\ndata:\n  - {path: triangle.vtk, as: shape.vtk, verify: sha256}\n"
                + "  - " + data + "/sim/*.pvtu\n");
        Cli.Result dry = Cli.run("run", spec.toString(), "-t", "ci-slurm-data", "--targets", targets.toString(), "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("data:      shape.vtk -> ci-slurm-data:" + data + "/triangle.vtk  (file, "), dry.out());

        Cli.Result r = Cli.run("run", spec.toString(), "-t", "ci-slurm-data", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.err().contains("symbolic link"), "pvrun's own links are not reported: " + r.err());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertTrue(Files.size(runDir.resolve("tasks/0000/shape.png")) > 1000);
        assertEquals("1", Files.readString(runDir.resolve("tasks/0000/cells.txt")), "the .pvtu found its piece");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        m.get("data").forEach(d -> byName.put(d.get("name").asText(), d));
        assertEquals(Map.of("shape.vtk", data + "/triangle.vtk", "step_1.pvtu", data + "/sim/step_1.pvtu",
                "step_1", data + "/sim/step_1"), Map.of("shape.vtk", byName.get("shape.vtk").get("path").asText(),
                "step_1.pvtu", byName.get("step_1.pvtu").get("path").asText(), "step_1", byName.get("step_1").get("path").asText()));
        JsonNode shape = byName.get("shape.vtk");
        assertEquals(TRIANGLE.length(), shape.get("bytes").asLong());
        assertEquals(Hashes.sha256(data.resolve("triangle.vtk")), shape.get("sha256").asText());
        assertEquals(Files.getLastModifiedTime(data.resolve("triangle.vtk")).toInstant().getEpochSecond(),
                Instant.parse(shape.get("modified").asText()).getEpochSecond());
        assertEquals("folder", byName.get("step_1").get("type").asText());
        assertFalse(Files.exists(runDir.resolve("tasks/0000/shape.vtk")), "data is never copied back");

        Files.setLastModifiedTime(data.resolve("triangle.vtk"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Cli.Result again = Cli.run("rerun", runDir.toString(), "--targets", targets.toString());
        assertEquals(3, again.exitCode(), again.toString());
        assertTrue(again.err().contains(data + "/triangle.vtk: modified 2020-01-01T00:00:00Z"), again.err());
    }

    @Test
    void missingDataStopsTheRunBeforeAnythingIsWritten() throws Exception {
        Path spec = Files.writeString(dir.resolve("missing.yaml"), "name: missing\nscript: render.py\n"
                + "data:\n  - nowhere/*.vtu\n");
        Cli.Result r = Cli.run("run", spec.toString(), "-t", "ci-slurm-data", "--targets", targets.toString(),
                "-o", dir.resolve("results").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(spec + ":4:5: data 'nowhere/*.vtu' matches nothing on ci-slurm-data (looked for "
                + data + "/nowhere/*.vtu)"), r.err());
        assertFalse(Files.exists(dir.resolve("results/missing")), "a refused run left a results folder");
    }
}
