package org.pvrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.pvrun.util.Hashes;
import org.pvrun.util.Shell;

/**
 * One animation split across tasks against the same script rendering every frame in one bare pvbatch: frames
 * per second, as a speed-up against the cores used, with the frames checked identical to the bare run's.
 */
final class AnimationCase implements BenchCase {
    @Override
    public String id() {
        return "animation-split";
    }

    @Override
    public String title() {
        return "A split animation: frames per second";
    }

    @Override
    public String description() {
        return "`samples/timeseries/timeseries.py` (a time series of 120 wavelet steps of 1 MB, contoured, 640×480, one"
                + " `SaveAnimation` frame per step) run bare by `pvbatch --force-offscreen-rendering` in a folder with the"
                + " steps, against `./pvrun` with `animation: {split: 2}` and `{split: 4}` on the local target, the steps"
                + " read in place (`data:`), and with `split: 2` on the test cluster's two Slurm nodes (`ci-slurm-2nodes`,"
                + " steps in place on the login host). The frames of every run are checked byte-identical to the bare"
                + " run's. Target: at least 0.8 × the cores used (two here), i.e. pvrun ≤ 0.625 × the bare run's time. Beside"
                + " them, what a user would type by hand to split it: the script twice, each with SaveAnimation's own"
                + " `FrameWindow` for one half, run side by side (the best two tasks can do here)."
                + " pvrun's time includes its start-up, planning, collecting, hashing and the manifest; no movie.";
    }

    @Override
    public void run(Bench.Context ctx) throws Exception {
        int steps = ctx.quickMode() ? 12 : 120;
        Path script = ctx.repo().resolve("samples/timeseries/timeseries.py");
        Path data = Files.createDirectories(ctx.local().resolve("steps"));
        Path bare = ctx.local().resolve("bare");
        Path byHand = ctx.local().resolve("by-hand");
        Path results = ctx.local().resolve("results");
        try (EngineCases.Xvfb x = new EngineCases.Xvfb(ctx.local())) {
            ctx.sh("cd " + Shell.quote(data.toString()) + " && DISPLAY=" + x.display + " pvpython "
                    + Shell.quote(ctx.repo().resolve("samples/timeseries/make_steps.py").toString()) + " " + steps
                    + " >/dev/null 2>&1");
            String remoteSteps = ctx.remote() + "/steps";
            ctx.ssh("mkdir -p " + remoteSteps);
            ctx.sh("cd " + Shell.quote(data.toString()) + " && tar cf - . | ssh -F " + Shell.quote(ctx.sshConfig()) + " "
                    + ctx.loginAlias() + " tar xf - -C " + remoteSteps);
            Map<Integer, Path> specs = new TreeMap<>();
            for (int split : new int[] {2, 4}) {
                specs.put(split, Files.writeString(ctx.local().resolve("split" + split + ".yaml"), "name: split" + split
                        + "\nscript: " + script + "\noutputs: [\"frames/*.png\"]\ndata: [\"" + data + "/step_*.vti\"]\n"
                        + "animation: {split: " + split + "}\n"));
            }
            Path cluster = Files.writeString(ctx.local().resolve("cluster.yaml"), "name: split-nodes\nscript: " + script
                    + "\noutputs: [\"frames/*.png\"]\ndata: [\"" + remoteSteps + "/step_*.vti\"]\nanimation: {split: 2}\n");
            // what a user splits by hand: the script twice, each with SaveAnimation's own FrameWindow for one half,
            // side by side (FrameWindow is right for windows of several time steps; docs/animations.md says where
            // it is not)
            String text = Files.readString(script);
            String call = "ImageResolution=[640, 480])";
            if (!text.contains(call)) {
                throw new IllegalStateException(script + " no longer ends with SaveAnimation(..., " + call + ")");
            }
            List<Path> halves = List.of(byHand.resolve("first"), byHand.resolve("second"));
            List<String> halfScripts = List.of(
                    text.replace(call, "ImageResolution=[640, 480], FrameWindow=[0, " + (steps / 2 - 1) + "])"),
                    text.replace(call, "ImageResolution=[640, 480], FrameWindow=[" + steps / 2 + ", " + (steps - 1) + "])"));
            Map<String, String> reference = new TreeMap<>();
            Comparison.Check check = (name, warmUp) -> {
                Map<String, String> frames = name.startsWith("bare") ? frames(bare)
                        : name.startsWith("by hand") ? frames(byHand) : frames(results);
                if (frames.size() != steps) {
                    throw new IllegalStateException(name + " made " + frames.size() + " frames, not " + steps);
                }
                if (name.startsWith("bare") && reference.isEmpty()) {
                    reference.putAll(frames);
                } else if (!reference.isEmpty() && !reference.equals(frames)) {
                    throw new IllegalStateException(name + "'s frames differ from the bare run's");
                }
            };
            Comparison.Action clean = () -> {
                Bench.deleteTree(bare);
                Files.createDirectories(bare);
                try (Stream<Path> s = Files.list(data)) {
                    for (Path f : s.toList()) {
                        Files.createSymbolicLink(bare.resolve(f.getFileName()), f);
                    }
                }
                Bench.deleteTree(results);
                Bench.deleteTree(byHand);
                for (int h = 0; h < 2; h++) {
                    Files.createDirectories(halves.get(h));
                    Files.writeString(halves.get(h).resolve("half.py"), halfScripts.get(h));
                    try (Stream<Path> s = Files.list(data)) {
                        for (Path f : s.toList()) {
                            Files.createSymbolicLink(halves.get(h).resolve(f.getFileName()), f);
                        }
                    }
                }
            };
            String display = "DISPLAY=" + x.display;
            new Comparison(steps + " frames of a time series")
                    .beforeEach(clean).afterEach(check)
                    .tool("bare pvbatch", () -> ctx.sh("cd " + Shell.quote(bare.toString()) + " && " + display
                            + " exec pvbatch --force-offscreen-rendering " + Shell.quote(script.toString()) + " >/dev/null 2>&1"))
                    .tool("by hand: two bare pvbatch side by side, FrameWindow halves", () -> ctx.sh(
                            halves.stream().map(h -> "(cd " + Shell.quote(h.toString()) + " && " + display
                                    + " pvbatch --force-offscreen-rendering half.py >/dev/null 2>&1) & ")
                                    .collect(java.util.stream.Collectors.joining()) + "wait"))
                    .candidate("pvrun split: 2", () -> ctx.run(EngineCases.pvrun(ctx, List.of(display),
                            specs.get(2).toString(), "-q", "-o", results.toString())), "bare pvbatch", 0.625)
                    .candidate("pvrun split: 4", () -> ctx.run(EngineCases.pvrun(ctx, List.of(display),
                            specs.get(4).toString(), "-q", "-o", results.toString())), "bare pvbatch", 0.625)
                    .candidate("pvrun split: 2, two Slurm nodes", () -> ctx.run(EngineCases.pvrun(ctx, List.of(),
                            cluster.toString(), "-t", "ci-slurm-2nodes", "--targets", ctx.targetsFile().toString(), "-q",
                            "-o", results.toString())), "bare pvbatch", 0.625)
                    .run(ctx);
            ctx.ssh("rm -rf " + remoteSteps);
        }
    }

    /** frames/NAME → SHA-256 of every frame under {@code dir}, whichever task folder it is in. */
    static Map<String, String> frames(Path dir) throws Exception {
        Map<String, String> h = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return h;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("frames")
                    && p.toString().endsWith(".png")).toList()) {
                h.put(f.getFileName().toString(), Hashes.sha256(f));
            }
        }
        return h;
    }
}
