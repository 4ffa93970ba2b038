package org.pvrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pvrun.util.Shell;

/**
 * From a job's end to pvrun knowing it, on the cluster's Slurm over SSH at the default poll interval (10 s), against
 * {@code sbatch --wait} by hand. The end of a job is its exit file's modification time on the login host; pvrun's
 * knowing it is the wall-clock time {@code PVRUN_TRACE} prints with each job's end (this machine is the login host,
 * so both are on one clock).
 */
final class JobEndCase implements BenchCase {
    private static final Pattern SEEN = Pattern.compile("job (\\d+) ended \\(.*\\), seen at (\\d+) ms$");

    @Override
    public String id() {
        return "job-end";
    }

    @Override
    public String title() {
        return "From a job's end to pvrun knowing it";
    }

    @Override
    public String description() {
        return "Four Slurm jobs of one job array (a sweep of `time.sleep` 15, 30, 45 and 60 s, `tasks_per_job: 1`; 3 and"
                + " 6 s with --quick) submitted over SSH (JSch) to a target without `poll:`, so at the default 10 s. The"
                + " latency is the time pvrun traces each job's end at (`PVRUN_TRACE`, wall clock) minus the job's exit"
                + " file's modification time on the login host (this machine: one clock); the status queries are the"
                + " `status query` lines of the same trace, per 10 s of the run. The reference, side by side: the same four"
                + " sleeps as `sbatch --wait --wrap` on the login host, each job writing the time at its end, against the"
                + " time `sbatch --wait` returns. Targets: median ≤ 1 s, at most one status query per poll interval.";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public void run(Bench.Context ctx) throws Exception {
        List<Integer> sleeps = ctx.quickMode() ? List.of(3, 6) : List.of(15, 30, 45, 60);
        Files.writeString(ctx.local().resolve("sleep.py"), "# bench: sleeps, then writes one small file\nimport time, pvrun\n"
                + "time.sleep(pvrun.param('s'))\nopen('out.txt', 'w').write('%d\\n' % pvrun.param('s'))\n");
        Path spec = Files.writeString(ctx.local().resolve("job-end.yaml"), "name: bench-job-end\nscript: sleep.py\n"
                + "sweep:\n  s: " + sleeps + "\ntasks_per_job: 1\noutputs: [\"out.txt\"]\n");
        String workdir = ctx.cluster("WORKDIR");
        List<Double> pvrunMs = new ArrayList<>();
        List<Double> waitMs = new ArrayList<>();
        double worstPerInterval = 0;
        long queriesTotal = 0;
        double intervalsTotal = 0;
        for (int round = 0; round < ctx.reps(); round++) {
            // alternating: pvrun, then the reference
            ctx.ssh("rm -rf " + workdir + "/bench-job-end");
            Path trace = ctx.local().resolve("trace-" + round + ".txt");
            ctx.run(EngineCases.stderrTo(trace, EngineCases.pvrun(ctx, List.of("PVRUN_TRACE=1"), spec.toString(), "-t",
                    "ci-slurm-default-poll", "--targets", ctx.targetsFile().toString(), "-q", "-o",
                    ctx.local().resolve("results-" + round).toString())));
            Map<Integer, Long> seen = new HashMap<>();
            List<Long> queries = new ArrayList<>();
            long last = 0;
            for (String line : Files.readAllLines(trace)) {
                Matcher m = SEEN.matcher(line);
                if (m.find()) {
                    seen.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
                }
                long ms = EngineCases.traceMs(line);
                if (ms >= 0) {
                    last = ms;
                    if (line.endsWith(" status query")) {
                        queries.add(ms);
                    }
                }
            }
            String ends = ctx.ssh("for f in " + workdir + "/bench-job-end/*/jobs/r1/job-*.exit; do "
                    + "printf '%s %s\\n' \"${f##*/job-}\" \"$(stat -c %.3Y \"$f\")\"; done");
            int jobs = 0;
            for (String line : ends.strip().split("\n")) {
                String[] p = line.strip().split(" ");
                int j = Integer.parseInt(p[0].replace(".exit", ""));
                Long at = seen.get(j);
                if (at == null) {
                    throw new IllegalStateException("pvrun traced no end for job " + j + " (trace " + trace + ")");
                }
                pvrunMs.add(at - Double.parseDouble(p[1]) * 1000);
                jobs++;
            }
            if (jobs != sleeps.size()) {
                throw new IllegalStateException("expected " + sleeps.size() + " exit files, found " + jobs + ":\n" + ends);
            }
            // the status queries from the first to the last, per poll interval of the monitor's time
            double monitored = queries.isEmpty() ? 0 : (last - queries.get(0)) / 1000.0;
            double intervals = Math.max(1, Math.ceil(monitored / 10.0));
            worstPerInterval = Math.max(worstPerInterval, queries.size() / intervals);
            queriesTotal += queries.size();
            intervalsTotal += intervals;

            String remote = ctx.remote() + "/wait-" + round;
            StringBuilder loop = new StringBuilder();
            sleeps.forEach(s -> loop.append(' ').append(s));
            // $s expands in the loop: each job sleeps, then writes the time it ended; each sbatch prints that
            // time and the time it returned
            String byHand = ctx.ssh("mkdir -p " + remote + " && cd " + remote + " && for s in" + loop + "; do ("
                    + " sbatch -Q --wait -p " + ctx.cluster("PARTITION") + " -t 10 -o /dev/null"
                    + " --wrap \"sleep $s; date +%s.%N > end-$s\" >/dev/null;"
                    + " echo \"$(cat end-$s) $(date +%s.%N)\" ) & done; wait");
            for (String line : byHand.strip().split("\n")) {
                String[] p = line.strip().split(" ");
                waitMs.add((Double.parseDouble(p[1]) - Double.parseDouble(p[0])) * 1000);
            }
            ctx.log("job-end: round %d: pvrun %s ms, sbatch --wait %s ms, %d status queries in %.0f s", round + 1,
                    shown(pvrunMs.subList(pvrunMs.size() - jobs, pvrunMs.size())),
                    shown(waitMs.subList(waitMs.size() - sleeps.size(), waitMs.size())), queries.size(), monitored);
        }
        Comparison.Stats w = Comparison.Stats.of(waitMs);
        Comparison.Stats p = Comparison.Stats.of(pvrunMs);
        Bench.Table table = new Bench.Table("A job's end to knowing it, " + sleeps.size() + " jobs × " + ctx.reps()
                + " rounds, Slurm, default poll (10 s)", List.of("", "min ms", "median ms", "max ms", "status queries",
                        "per poll interval"));
        table.row(List.of("sbatch --wait", ms(w.min()), ms(w.median()), ms(w.max()), "one per job per check", ""));
        table.row(List.of("pvrun (exit watch)", ms(p.min()), ms(p.median()), ms(p.max()), Long.toString(queriesTotal),
                String.format(Locale.ROOT, "%.2f", queriesTotal / intervalsTotal)));
        ctx.table(table);
        ctx.figure("A job's end to pvrun knowing it, Slurm at the default poll (median)", ms(p.median()) + " ms (sbatch --wait "
                + ms(w.median()) + " ms)", "≤ 1000 ms", p.median() <= 1000);
        ctx.figure("Status queries per poll interval while following them", String.format(Locale.ROOT, "%.2f (the worst round)",
                worstPerInterval), "≤ 1", worstPerInterval <= 1.0);
    }

    private static List<String> shown(List<Double> v) {
        return v.stream().map(JobEndCase::ms).toList();
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
