package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;
import org.pvrun.testing.TestCluster;

/**
 * Params, script arguments and input file names full of shell syntax reach a real pvbatch as data, on this
 * machine, over SSH without a scheduler and through Slurm: the script writes what it received, the test
 * compares it byte for byte with what it gave, and no canary file any of them would create exists on either
 * side. One run per target, every case a task of one sweep packed into one pvbatch process.
 */
@Tag("integration")
class ShellMetacharactersIT {
    /** Every value names a file {@code CANARY*}: in the canary folder (absolute) or wherever a shell stood (relative). */
    static List<String> values(Path canaries) {
        String c = canaries.toString();
        return List.of(
                "$(touch " + c + "/CANARY-dollar)",
                "`touch " + c + "/CANARY-backtick`",
                "'; touch " + c + "/CANARY-single; '",
                "\"; touch " + c + "/CANARY-double; \"",
                "; touch " + c + "/CANARY-semicolon",
                "&& touch " + c + "/CANARY-and",
                "| touch " + c + "/CANARY-pipe",
                "x\ntouch " + c + "/CANARY-newline\n",
                "$(touch CANARY-relative)",
                "-oProxyCommand=touch " + c + "/CANARY-dash",
                "two  spaces\tand a tab ",
                "* ~ ~root ? [ab] {a,b} {{x}}",
                "$HOME ${PATH} $((6*7)) \\ \\n %s %%",
                "é 日本 🎉",
                "");
    }

    /** Input file names, each file holding its own name. */
    static final List<String> INPUT_NAMES = List.of("$(touch CANARY-input).txt", "`touch CANARY-tick`.txt", "it's.txt",
            "say \"hi\".txt", "a;b&&c|d.txt", "two words.txt", "new\nline.txt", "*.txt", "~tilde.txt", "é日本🎉.txt");

    static final String SCRIPT = """
            import json, os, sys
            import pvrun
            names = sorted(n for n in os.listdir('.') if n not in ('params.json', os.path.basename(__file__)))
            received = {
                'argv_hex': [a.encode('utf-8', 'surrogateescape').hex() for a in sys.argv[1:]],
                'params': pvrun.params,
                'inputs': {n: open(n, encoding='utf-8').read() for n in names},
            }
            if pvrun.task_index == 0:
                # the control: whoever runs the script can write into the canary folder, so a canary would show
                open(os.path.join(pvrun.params['canaries'], 'control'), 'w').close()
                # one real render, to show the data-carrying path is the rendering one
                from paraview.simple import Sphere, Show, GetActiveViewOrCreate, SaveScreenshot
                view = GetActiveViewOrCreate('RenderView')
                Show(Sphere(), view)
                view.ViewSize = [96, 64]
                SaveScreenshot('sphere.png', view, ImageResolution=[96, 64])
            with open('received.json', 'w', encoding='utf-8') as f:
                json.dump(received, f, ensure_ascii=True)
            """;

    Path dir;
    Path canaries;

    @BeforeEach
    void setUp() throws IOException {
        // a folder the test user pvci may write into too, so that a canary would appear had anything run
        dir = Files.createTempDirectory("pvrun-meta-");
        canaries = Files.createDirectory(dir.resolve("canaries"));
        for (Path p : List.of(dir, canaries)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }

    @AfterEach
    void tearDown() throws IOException, InterruptedException {
        // the remote side (pvci) wrote into it: remove as root, whatever the owners
        new ProcessBuilder("rm", "-rf", "--", dir.toString()).inheritIO().start().waitFor();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "ci-ssh", "ci-slurm"})
    void valuesAndNamesArriveAsDataAndNothingIsExecuted(String target) throws IOException, InterruptedException {
        List<String> values = values(canaries);
        Path project = Files.createDirectory(dir.resolve("project"));
        Files.writeString(project.resolve("echo.py"), SCRIPT);
        Path in = Files.createDirectory(project.resolve("in"));
        for (String name : INPUT_NAMES) {
            Files.writeString(in.resolve(name), name);
        }
        // a literal argument full of syntax too ({{ }} are literal braces), besides the param's
        String literal = "$(touch " + canaries + "/CANARY-literal) ; `id` {{not a param}}";
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "meta");
        spec.put("script", "echo.py");
        spec.put("params", Map.of("fixed", values.get(0), "canaries", canaries.toString()));
        spec.put("sweep", Map.of("label", values));
        spec.put("args", List.of("--label", "{label}", "--label={label}", literal, "{fixed}"));
        spec.put("inputs", List.of("in/*"));
        spec.put("outputs", List.of("received.json", "*.png"));
        spec.put("tasks_per_job", 100);
        Path specFile = project.resolve("meta.yaml");
        // JSON is YAML: every string double-quoted, with \n and \t escaped
        Files.writeString(specFile, ManifestIO.JSON.writeValueAsString(spec));

        List<String> args = new ArrayList<>(List.of("run", specFile.toString(), "-o", dir.resolve("results").toString(),
                "--json", "-t", target));
        if (!target.equals("local")) {
            args.addAll(List.of("--targets", TestCluster.require().targetsFile(dir).toString()));
        }
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertEquals(values.size(), m.get("tasks").size());
        for (JsonNode task : m.get("tasks")) {
            int i = task.get("index").asInt();
            String label = values.get(i);
            JsonNode got = ManifestIO.JSON.readTree(runDir.resolve("tasks/%04d/received.json".formatted(i)).toFile());
            List<String> expectedArgv = List.of("--label", label, "--label=" + label,
                    literal.replace("{{", "{").replace("}}", "}"), values.get(0));
            assertEquals(expectedArgv.stream().map(ShellMetacharactersIT::hex).toList(),
                    ManifestIO.JSON.convertValue(got.get("argv_hex"), List.class), "argv of task " + i);
            assertEquals(label, got.get("params").get("label").asText(), "param of task " + i);
            assertEquals(values.get(0), got.get("params").get("fixed").asText());
            Map<String, String> inputs = new LinkedHashMap<>();
            got.get("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asText()));
            Map<String, String> expectedInputs = new LinkedHashMap<>();
            INPUT_NAMES.stream().sorted().forEach(n -> expectedInputs.put(n, n));
            assertEquals(expectedInputs, new java.util.TreeMap<>(inputs), "inputs of task " + i);
        }
        var png = Images.read(runDir.resolve("tasks/0000/sphere.png"));
        assertEquals(96, png.getWidth());
        assertTrue(Images.luminanceVariance(png) > 10, "the sphere render looks blank");

        // no canary on either side: the canary folder, the test's folders, this run's directory on the target, and
        // the places a shell would stand in before it got there (the target user's home and workdir)
        List<String> deep = new ArrayList<>(List.of(dir.toString(), Path.of("").toAbsolutePath().toString()));
        List<String> shallow = new ArrayList<>();
        if (!target.equals("local")) {
            deep.add(m.get("remote_dir").asText());
            String workdir = TestCluster.require().get("WORKDIR");
            shallow.addAll(List.of(workdir, Path.of(workdir).getParent().toString()));
        }
        assertEquals("", findCanaries(deep, "") + findCanaries(shallow, "2"), "a value was run as a command");
        try (Stream<Path> s = Files.list(canaries)) {
            assertEquals(List.of(canaries.resolve("control")), s.toList());
        }
    }

    /**
     * Paths named CANARY* below the roots ({@code maxDepth} levels deep, "" for all), by find(1): it keeps going
     * when other runs change the tree under it. (Input files are named {@code $(touch CANARY-input).txt}: they
     * start with '$', not with CANARY.)
     */
    static String findCanaries(List<String> roots, String maxDepth) throws IOException, InterruptedException {
        if (roots.isEmpty()) {
            return "";
        }
        List<String> argv = new ArrayList<>(List.of("find"));
        argv.addAll(roots);
        if (!maxDepth.isEmpty()) {
            argv.addAll(List.of("-maxdepth", maxDepth));
        }
        argv.addAll(List.of("-name", "CANARY*"));
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String found = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return found;
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
