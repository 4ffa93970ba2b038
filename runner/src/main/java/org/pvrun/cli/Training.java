package org.pvrun.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.FileUtils;

/**
 * The training run of the launcher's class-data archive ({@code ./pvrun} runs it once per build with
 * {@code -XX:ArchiveClassesAtExit}): a dry run of the given spec, then a one-task local pipeline run twice, so
 * that the archive holds what a real run loads (run record, staging, job script, process start, watching,
 * collecting, hashing, manifest) and not only what a dry run does. The pipeline runs on a stand-in pvbatch that
 * answers {@code --version} and runs the driver with python3 and an empty {@code paraview} package, so it takes
 * a fraction of a second and needs neither ParaView nor a display. Everything lives in a temporary folder
 * (results, state, the stand-in) that is removed at the end; nothing is printed.
 */
public final class Training {
    private Training() {}

    /** {@code java -cp pvrun.jar org.pvrun.cli.Training [SPEC.yaml]}: always exits 0 (a failed step only makes a thinner archive). */
    public static void main(String[] args) {
        try {
            train(args.length > 0 ? Path.of(args[0]) : null);
        } catch (Exception e) {
            // the archive is an optimisation: whatever was loaded so far is still worth keeping
        }
        System.exit(0);
    }

    /** Runs the training steps and returns each one's exit status: the dry run (if a spec was given), then the two runs. */
    public static List<Integer> train(Path drySpec) throws IOException {
        Path dir = Files.createTempDirectory("pvrun-training-");
        try {
            Path pvbatch = standInPvbatch(dir);
            Files.writeString(dir.resolve("train.py"), "import pvrun\n"
                    + "with open('out.txt', 'w') as f:\n    f.write(str(pvrun.params['n']))\n");
            Path spec = Files.writeString(dir.resolve("train.yaml"), "name: training\nscript: train.py\n"
                    + "params:\n  n: 1\ndisplay: offscreen\noutputs: [\"*.txt\"]\ntimeout: 1m\ntarget: local\n");

            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("PVRUN_PVBATCH", pvbatch.toString());
            env.put("PVRUN_STATE", dir.resolve("state").toString());
            env.remove("PVRUN_TRACE");
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true);
            String results = dir.resolve("results").toString();
            List<Integer> codes = new ArrayList<>();
            if (drySpec != null) {
                codes.add(CommandLineFactory.execute(quiet, quiet, env, "run", "--dry-run", drySpec.toString()));
            }
            // twice: the first run asks the stand-in for its version, the second finds it remembered, as most runs do
            for (int i = 0; i < 2; i++) {
                codes.add(CommandLineFactory.execute(quiet, quiet, env, "run", spec.toString(), "-q", "-o", results));
            }
            return codes;
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
        }
    }

    /**
     * Writes a stand-in pvbatch into {@code dir}: it answers {@code --version} as ParaView 5.11.0 and runs the driver
     * with python3 and an empty {@code paraview} package. Also what tests use to make real runs without ParaView.
     */
    public static Path standInPvbatch(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path py = Files.createDirectories(dir.resolve("python/paraview"));
        Files.writeString(py.resolve("__init__.py"), "");
        Files.writeString(py.resolve("simple.py"), "");
        Path pvbatch = bin.resolve("pvbatch");
        Files.writeString(pvbatch, "#!/bin/sh\n"
                + "# stand-in pvbatch of pvrun's class-data training run\n"
                + "while [ $# -gt 0 ]; do\n"
                + "  case \"$1\" in\n"
                + "    --version) echo 'paraview version 5.11.0'; exit 0 ;;\n"
                + "    --*) shift ;;\n"
                + "    *) break ;;\n"
                + "  esac\n"
                + "done\n"
                + "PYTHONPATH=" + dir.resolve("python") + " exec python3 \"$@\"\n");
        Files.setPosixFilePermissions(pvbatch, PosixFilePermissions.fromString("rwx------"));
        return pvbatch;
    }
}
