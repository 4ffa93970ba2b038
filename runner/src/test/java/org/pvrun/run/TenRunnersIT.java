package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;

/**
 * Ten pvrun processes at once against one target (SSH, no scheduler) and one state directory: five different
 * pipelines, and five runs of one more pipeline with {@code --resume --wait-lock}. No record is corrupted, no run
 * is missing from {@code pvrun list}, and no run holds another's files (each output says which pipeline and
 * point made it).
 */
@Tag("integration")
class TenRunnersIT {
    @TempDir
    Path dir;

    @Test
    void tenRunnersAtOnceKeepTheirOwnRecordsAndFiles() throws Exception {
        Path targets = TestCluster.require().targetsFile(dir);
        Map<String, String> env = Map.of("PVRUN_STATE", dir.resolve("state").toString());
        String results = dir.resolve("results").toString();
        Files.writeString(dir.resolve("own.py"), "import pvrun\n"
                + "open('out.txt', 'w').write(pvrun.params['name'] + ' ' + str(pvrun.params['n']))\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            names.add("many-" + i);
        }
        names.add("shared");
        for (String name : names) {
            Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\nscript: own.py\noutputs: [out.txt]\n"
                    + "params: {name: " + name + "}\nsweep: {n: [0, 1, 2]}\n");
        }
        List<Process> procs = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = i < 5 ? names.get(i) : "shared";
            Path out = dir.resolve("out-" + i + ".txt");
            List<String> args = new ArrayList<>(List.of("run", dir.resolve(name + ".yaml").toString(), "-t", "ci-ssh",
                    "--targets", targets.toString(), "-o", results));
            if (i >= 5) {
                args.addAll(List.of("--resume", "--wait-lock"));
            }
            outs.add(out);
            procs.add(FaultsIT.pvrun(out, env, args.toArray(String[]::new)));
        }
        for (int i = 0; i < 10; i++) {
            assertTrue(procs.get(i).waitFor(600, TimeUnit.SECONDS), "runner " + i + ":\n" + FaultsIT.read(outs.get(i)));
            assertEquals(0, procs.get(i).exitValue(), "runner " + i + ":\n" + FaultsIT.read(outs.get(i)));
        }
        List<String> runIds = new ArrayList<>();
        for (String name : names) {
            List<Path> runs;
            try (Stream<Path> s = Files.list(Path.of(results, name))) {
                runs = s.filter(Files::isDirectory).sorted().toList();
            }
            assertEquals(name.equals("shared") ? 5 : 1, runs.size(), name + ": " + runs);
            int rendered = 0;
            for (Path run : runs) {
                JsonNode m = ManifestIO.JSON.readTree(run.resolve(ManifestIO.FILE).toFile());
                assertEquals("succeeded", m.get("status").asText(), run.toString());
                assertEquals(name, m.get("pipeline").asText());
                assertEquals(run.getFileName().toString(), m.get("run_id").asText());
                ManifestIO.JSON.readTree(run.resolve(RunRecord.FILE).toFile());
                FaultsIT.assertComplete(run);
                FaultsIT.assertNoPartialFiles(run);
                for (JsonNode t : m.get("tasks")) {
                    int n = t.get("index").asInt();
                    assertEquals(name + " " + n, Files.readString(run.resolve(t.get("outputs").get(0).get("path").asText())),
                            "another run's file in " + run);
                    rendered += t.get("reused_from") == null || t.get("reused_from").isNull() ? 1 : 0;
                }
                runIds.add(run.getFileName().toString());
            }
            // the five runs of one pipeline, one after another (--wait-lock): the first renders, the others reuse
            assertEquals(3, rendered, name + ": each point rendered once");
        }
        Cli.Result list = Cli.run(env, "list", "-n", "100");
        assertEquals(0, list.exitCode(), list.toString());
        for (String id : runIds) {
            assertTrue(list.out().contains(id), "run " + id + " missing from pvrun list:\n" + list.out());
        }
        try (Stream<Path> s = Files.walk(dir.resolve("state"))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                assertFalse(f.getFileName().toString().endsWith(".tmp"), "temporary file left: " + f);
                if (f.toString().endsWith(".json")) {
                    ManifestIO.JSON.readTree(f.toFile()); // throws on a damaged file
                }
            }
        }
    }
}
