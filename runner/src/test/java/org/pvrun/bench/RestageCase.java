package org.pvrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Re-staging an unchanged large input: {@code ./pvrun} (a fresh JVM each time, as a user runs it) on a one-task
 * pipeline with a 1 GiB input to the cluster's Slurm, once to stage it, then alternately again (unchanged input) and
 * the same pipeline without the input. Bytes are the kernel's count of what the pvrun process and its children wrote
 * (wchar: network and local files) and read (rchar), from /proc of a shell that waited for it.
 */
final class RestageCase implements BenchCase {
    private static final Pattern INPUTS = Pattern.compile("inputs: (\\d+) sent, (\\d+) already");

    @Override
    public String id() {
        return "restage";
    }

    @Override
    public String title() {
        return "Re-staging an unchanged 1 GiB input";
    }

    @Override
    public String description() {
        return "`./pvrun` on a one-task pipeline with a 1 GiB input (16 MiB with --quick) to the cluster's Slurm (JSch"
                + " transport): first run (stages the input), then re-runs with the input unchanged, alternating with the"
                + " same pipeline without the input. Targets: no file bytes sent on a re-run, and the check well under a"
                + " second (re-run minus the run without input). Bytes are what the pvrun process and its children wrote"
                + " (wchar: network and local files) and read (rchar), as counted by the kernel.";
    }

    private record Sample(double seconds, long wchar, long rchar, String inputs) {}

    @Override
    public void run(Bench.Context ctx) throws Exception {
        long size = TransferCases.bigSize(ctx);
        Path dir = ctx.local();
        Path input = dir.resolve("input.bin");
        ctx.sh("head -c " + size + " /dev/urandom > " + input);
        String hash = TransferCases.sha256(input);
        Files.writeString(dir.resolve("touch.py"), "# bench: proves it ran, renders nothing\nopen('done.txt', 'w').write('ok\\n')\n");
        String common = "script: touch.py\noutputs: [\"done.txt\"]\ntimeout: 10m\n";
        Path with = Files.writeString(dir.resolve("restage.yaml"), "name: bench-restage\n" + common + "inputs: [input.bin]\n");
        Path without = Files.writeString(dir.resolve("noinput.yaml"), "name: bench-restage-noinput\n" + common);
        String workdir = ctx.cluster("WORKDIR");
        try {
            Sample first = pvrun(ctx, with, "first");
            Map<String, List<Sample>> runs = new LinkedHashMap<>();
            runs.put("re-run, input unchanged", new ArrayList<>());
            runs.put("same pipeline without the input", new ArrayList<>());
            for (int round = 0; round < ctx.reps(); round++) {
                for (int i = 0; i < 2; i++) {
                    boolean restage = (i + round) % 2 == 0;
                    Sample s = pvrun(ctx, restage ? with : without, "round " + (round + 1));
                    runs.get(restage ? "re-run, input unchanged" : "same pipeline without the input").add(s);
                }
            }
            Bench.Table table = new Bench.Table("`./pvrun` to ci-slurm, " + TransferCases.sizeText(size) + " input",
                    List.of("run", "n", "seconds (median)", "min", "max", "MiB written (median)", "MiB read (median)", "pvrun said"));
            table.row(List.of("first run (stages the input)", "1", Comparison.fmt(first.seconds()), "", "", mib(first.wchar()),
                    mib(first.rchar()), first.inputs()));
            Map<String, double[]> medians = new LinkedHashMap<>();
            for (Map.Entry<String, List<Sample>> e : runs.entrySet()) {
                List<Sample> l = e.getValue();
                Comparison.Stats t = Comparison.Stats.of(l.stream().map(Sample::seconds).toList());
                Comparison.Stats w = Comparison.Stats.of(l.stream().map(x -> (double) x.wchar()).toList());
                Comparison.Stats r = Comparison.Stats.of(l.stream().map(x -> (double) x.rchar()).toList());
                medians.put(e.getKey(), new double[] {t.median(), w.median(), r.median()});
                table.row(List.of(e.getKey(), Integer.toString(l.size()), Comparison.fmt(t.median()), Comparison.fmt(t.min()),
                        Comparison.fmt(t.max()), mib((long) w.median()), mib((long) r.median()), l.get(l.size() - 1).inputs()));
            }
            ctx.table(table);
            double[] re = medians.get("re-run, input unchanged");
            double[] none = medians.get("same pipeline without the input");
            double extraWritten = re[1] - none[1];
            double extraRead = re[2] - none[2];
            double extraSeconds = re[0] - none[0];
            ctx.figure("Re-stage of an unchanged " + TransferCases.sizeText(size) + " input: bytes written beyond the run without input",
                    mib(extraWritten) + " MiB (first run: " + mib(first.wchar()) + " MiB)",
                    "no file bytes sent", extraWritten < size / 100.0);
            ctx.figure("Re-stage: input bytes read again (hashing)", mib(extraRead) + " MiB",
                    "none (cache by size and mtime)", extraRead < size / 100.0);
            ctx.figure("Re-stage: time beyond the run without input", String.format(Locale.ROOT, "%.2f s (%.2f s vs %.2f s)",
                    extraSeconds, re[0], none[0]), "well under 1 s", extraSeconds < 1.0);
            ctx.note("A run to Slurm waits for the scheduler (it schedules every 2 s here), so single times vary by a"
                    + " second or two; the time figure is a difference of medians.");
        } finally {
            ctx.ssh("rm -rf " + workdir + "/bench-restage " + workdir + "/bench-restage-noinput " + workdir
                    + "/.pvrun-cache/sha256/" + hash + "*");
        }
    }

    private static String mib(long bytes) {
        return mib((double) bytes);
    }

    /** MiB with one decimal; differences within noise of zero show as 0.0, not -0.0. */
    private static String mib(double bytes) {
        double m = bytes / (1 << 20);
        return String.format(Locale.ROOT, "%.1f", Math.abs(m) < 0.05 ? 0.0 : m);
    }

    /** {@code ./pvrun SPEC -t ci-slurm} in a shell that prints its own /proc io counters after waiting for it. */
    private static Sample pvrun(Bench.Context ctx, Path spec, String what) throws Exception {
        Path log = ctx.local().resolve("pvrun.log");
        Path io = ctx.local().resolve("io.txt");
        List<String> argv = List.of("sh", "-c", "log=$1; io=$2; shift 2; \"$@\" >\"$log\" 2>&1; s=$?; cat /proc/$$/io >\"$io\"; exit $s",
                "sh", log.toString(), io.toString(), ctx.repo().resolve("pvrun").toString(), spec.toString(), "-t", "ci-slurm",
                "--targets", ctx.targetsFile().toString(), "-o", ctx.local().resolve("results").toString());
        long t0 = System.nanoTime();
        try {
            ctx.run(argv);
        } catch (Exception e) {
            throw new IllegalStateException("pvrun failed:\n" + Files.readString(log), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String counters = Files.readString(io);
        String said = Files.readString(log);
        Matcher m = INPUTS.matcher(said);
        String inputs = m.find() ? m.group(1) + " sent, " + m.group(2) + " already there" : "no inputs";
        Sample s = new Sample(seconds, counter(counters, "wchar"), counter(counters, "rchar"), inputs);
        ctx.log("restage: %s %s: %.2f s, wrote %s MiB, read %s MiB, %s", spec.getFileName(), what, seconds, mib(s.wchar()),
                mib(s.rchar()), inputs);
        return s;
    }

    private static long counter(String io, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": (\\d+)").matcher(io);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in /proc io counters:\n" + io);
        }
        return Long.parseLong(m.group(1));
    }
}
