package org.pvrun.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times named contenders side by side: a warm-up round (untimed), then {@code reps} rounds in which every contender
 * runs once, the order rotating from round to round so that a slow minute of a shared machine is spread over all of
 * them. Reference tools and pvrun's candidates are told apart so that each candidate gets a ratio against its
 * reference (a named tool, or the fastest of all the tools).
 */
public final class Comparison {
    /** Compare against the fastest reference tool (by median). */
    public static final String BEST = "the best tool";

    /** A timed piece of work; {@link #run()} may throw to fail the case. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Untimed work after a run: e.g. checking the copy. {@code warmUp} is true for the untimed first run. */
    @FunctionalInterface
    public interface Check {
        void run(String contender, boolean warmUp) throws Exception;
    }

    private record Contender(String name, Action action, boolean reference, String against, double target) {}

    /** What a contender measured, in seconds. */
    public record Stats(double min, double median, double max, int n) {
        static Stats of(List<Double> seconds) {
            double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = s.length;
            double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Stats(s[0], median, s[n - 1], n);
        }
    }

    private final String title;
    private final List<Contender> contenders = new ArrayList<>();
    /** Pause before every timed run, after the machine's page cache is written out. */
    static final int SETTLE_MILLIS = 1000;

    private Action beforeEach = () -> {};
    private int settle = SETTLE_MILLIS;
    private Check afterEach = (name, warmUp) -> {};

    public Comparison(String title) {
        this.title = title;
    }

    /** A reference tool (scp, rsync, ...), run as a user would run it. */
    public Comparison tool(String name, Action action) {
        contenders.add(new Contender(name, action, true, null, 0));
        return this;
    }

    /**
     * pvrun's way, compared with {@code against} (a tool's name, or {@link #BEST}); met when the ratio is at most
     * {@code target}. A target of 0 shows the ratio without a target (an alternative, for comparison).
     */
    public Comparison candidate(String name, Action action, String against, double target) {
        contenders.add(new Contender(name, action, false, against, target));
        return this;
    }

    /** Untimed work before every timed run (e.g. removing the previous copy). */
    public Comparison beforeEach(Action action) {
        this.beforeEach = action;
        return this;
    }

    /** Untimed work after every run (e.g. checking the copy; a full hash only after the warm-up run). */
    public Comparison afterEach(Check check) {
        this.afterEach = check;
        return this;
    }

    /** Runs everything and reports the table and one figure per candidate. */
    public void run(Bench.Context ctx) throws Exception {
        int reps = ctx.reps();
        settle = ctx.quickMode() ? 200 : SETTLE_MILLIS;
        Map<String, List<Double>> times = new LinkedHashMap<>();
        contenders.forEach(c -> times.put(c.name(), new ArrayList<>()));
        // pvrun's ways run once untimed first (class loading, JIT; a run's connection is already open); the tools
        // start a new process each time anyway, and the data is in the page cache from its creation
        ctx.log("%s: warm-up", title);
        for (Contender c : contenders) {
            if (!c.reference()) {
                timeOnce(c, true);
            }
        }
        for (int round = 0; round < reps; round++) {
            for (int i = 0; i < contenders.size(); i++) {
                Contender c = contenders.get((i + round) % contenders.size());
                double s = timeOnce(c, false);
                times.get(c.name()).add(s);
                ctx.log("%s: round %d/%d  %-40s %7.3f s", title, round + 1, reps, c.name(), s);
            }
        }
        Map<String, Stats> stats = new LinkedHashMap<>();
        times.forEach((name, t) -> stats.put(name, Stats.of(t)));
        String best = contenders.stream().filter(Contender::reference)
                .min((a, b) -> Double.compare(stats.get(a.name()).median(), stats.get(b.name()).median()))
                .map(Contender::name).orElse(null);

        Contender fastestByMin = contenders.stream().filter(Contender::reference)
                .min((a, b) -> Double.compare(stats.get(a.name()).min(), stats.get(b.name()).min())).orElse(null);
        Bench.Table table = new Bench.Table(title, List.of("", "min s", "median s", "max s", "ratio (median)", "target",
                "ratio (min)"));
        for (Contender c : contenders) {
            Stats s = stats.get(c.name());
            String ratio = "";
            String target = "";
            if (c.reference()) {
                ratio = c.name().equals(best) ? "fastest tool" : "";
            } else if (c.target() <= 0) { // shown for comparison, no target
                String ref = c.against().equals(BEST) ? best : c.against();
                ratio = String.format(Locale.ROOT, "%.2f × %s", s.median() / stats.get(ref).median(), ref);
                target = "—";
            } else {
                String ref = c.against().equals(BEST) ? best : c.against();
                double r = s.median() / stats.get(ref).median();
                boolean met = r <= c.target();
                ratio = String.format(Locale.ROOT, "%.2f × %s", r, ref);
                target = String.format(Locale.ROOT, "≤ %.2f %s", c.target(), met ? "✓" : "✗");
                ctx.figure(title + ": " + c.name(), String.format(Locale.ROOT, "%.2f × %s (%.2f s vs %.2f s)", r, ref,
                        s.median(), stats.get(ref).median()), String.format(Locale.ROOT, "≤ %.2f ×", c.target()), met);
            }
            String byMin = "";
            if (!c.reference()) {
                String ref = c.against().equals(BEST) ? fastestByMin.name() : c.against();
                byMin = String.format(Locale.ROOT, "%.2f × %s", s.min() / stats.get(ref).min(), ref);
            }
            table.row(Arrays.asList(c.name(), fmt(s.min()), fmt(s.median()), fmt(s.max()), ratio, target, byMin));
        }
        ctx.table(table);
    }

    private double timeOnce(Contender c, boolean warmUp) throws Exception {
        beforeEach.run();
        // dirty pages of the run before (a 1 GiB copy, say) are written out now, not during the next timed run
        new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        // and what the run before left running winds down (this JVM compiling after an in-process transfer, the
        // host's sshd closing a session): measured, a run right after the JSch transport's 1 GiB download took
        // 1.4-2.3 s, the same command 1.4-1.6 s after anything else
        Thread.sleep(settle);
        long t0 = System.nanoTime();
        try {
            c.action().run();
        } catch (Exception e) {
            throw new IllegalStateException(title + ": " + c.name() + " failed: " + e.getMessage(), e);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        afterEach.run(c.name(), warmUp);
        return s;
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }
}
