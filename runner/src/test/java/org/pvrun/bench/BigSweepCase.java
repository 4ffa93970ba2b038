package org.pvrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.pvrun.cli.Training;

/**
 * A 100,000-task sweep's own cost in pvrun (issue 17): how long planning and {@code --dry-run} take and how much
 * they print, and the peak RSS of a local run of a trivial script, on the stand-in pvbatch of the launcher's
 * training run (python3 and an empty paraview package), so that what is measured is pvrun, not ParaView.
 */
final class BigSweepCase implements BenchCase {
    static final int DRY_TASKS = 100_000;

    @Override
    public String id() {
        return "big-sweep";
    }

    @Override
    public String title() {
        return "Planning, dry run and memory of large sweeps";
    }

    @Override
    public String description() {
        return "`./pvrun SPEC --dry-run` of a 100,000-point sweep of a trivial script (wall time and lines printed, "
                + "GNU time), then a 10,000-task local run of the same script (1,000 with --quick) on the stand-in pvbatch"
                + " of the launcher's training run, so that the peak RSS (GNU time's maximum resident set size) is"
                + " pvrun's. The load average is noted with each figure: the machine may be shared. Targets: dry run"
                + " under 2 s; peak RSS ≤ 256 MiB.";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public void run(Bench.Context ctx) throws Exception {
        Files.writeString(ctx.local().resolve("t.py"), "# bench: a trivial task\nimport sys\n");
        Path dry = spec(ctx, "bench-dry", DRY_TASKS);
        Bench.Table table = new Bench.Table("Large sweeps", List.of("what", "tasks", "seconds", "peak RSS MiB",
                "lines printed", "load average (1 min) before"));
        List<Double> seconds = new ArrayList<>();
        double worstRss = 0;
        int rounds = ctx.quickMode() ? 1 : Math.max(3, ctx.reps());
        for (int r = 0; r < rounds; r++) {
            String load = load();
            Timed t = timed(ctx, List.of(), dry.toString(), "--dry-run");
            seconds.add(t.seconds);
            worstRss = Math.max(worstRss, t.rss);
            table.row(List.of("--dry-run", Integer.toString(DRY_TASKS), Comparison.fmt(t.seconds),
                    String.format(Locale.ROOT, "%.0f", t.rss), Long.toString(t.lines), load));
        }
        double median = Comparison.Stats.of(seconds).median();
        int tasks = ctx.quickMode() ? 1_000 : 10_000;
        Path pvbatch = Training.standInPvbatch(ctx.local().resolve("stand-in"));
        Path run = spec(ctx, "bench-run", tasks);
        String load = load();
        Timed t = timed(ctx, List.of("PVRUN_PVBATCH=" + pvbatch), run.toString(), "-q", "-o",
                ctx.local().resolve("results").toString());
        table.row(List.of("local run, stand-in pvbatch", Integer.toString(tasks), Comparison.fmt(t.seconds),
                String.format(Locale.ROOT, "%.0f", t.rss), Long.toString(t.lines), load));
        ctx.table(table);
        ctx.figure("Dry run of a " + DRY_TASKS + "-task sweep (median of " + rounds + ")",
                String.format(Locale.ROOT, "%.2f s", median), "< 2 s", median < 2);
        ctx.figure("Peak RSS of a " + tasks + "-task local run", String.format(Locale.ROOT, "%.0f MiB", t.rss),
                "≤ 256 MiB", t.rss <= 256);
    }

    private static Path spec(Bench.Context ctx, String name, int tasks) throws Exception {
        return Files.writeString(ctx.local().resolve(name + ".yaml"), "name: " + name + "\nscript: t.py\ndisplay: offscreen\n"
                + "sweep: {i: {from: 0, to: " + (tasks - 1) + ", step: 1}}\ntarget: local\n");
    }

    private record Timed(double seconds, double rss, long lines) {}

    private static Timed timed(Bench.Context ctx, List<String> env, String... args) throws Exception {
        Path time = ctx.local().resolve("time.txt");
        List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-o", time.toString(), "-f", "%M %e"));
        argv.addAll(EngineCases.pvrun(ctx, env, args));
        String out = ctx.run(argv);
        String[] te = Files.readString(time).strip().split("\\s+");
        return new Timed(Double.parseDouble(te[te.length - 1]), Double.parseDouble(te[te.length - 2]) / 1024,
                out.lines().count());
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
