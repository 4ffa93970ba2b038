package org.pvrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pvrun.util.Shell;

/**
 * pvrun as a whole, {@code ./pvrun} started fresh for every run as users start it: its overhead on a one-task local
 * render against bare {@code pvbatch}; a transfer-heavy pipeline over SSH against doing it by hand; and, for a
 * 1000-task sweep on Slurm, how many status queries it makes and how much memory it needs.
 */
final class EngineCases {
    private EngineCases() {}

    /** {@code env NAME=VALUE... ./pvrun ARGS...} with a private state directory. */
    static List<String> pvrun(Bench.Context ctx, List<String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("env"));
        argv.addAll(env); // options such as -u NAME first, then assignments
        argv.add("PVRUN_STATE=" + ctx.local().resolve("state"));
        argv.add(ctx.repo().resolve("pvrun").toString());
        argv.addAll(List.of(args));
        return argv;
    }

    /** {@code argv} run with its stderr, where {@code PVRUN_TRACE} writes, going to {@code file}. */
    static List<String> stderrTo(Path file, List<String> argv) {
        List<String> sh = new ArrayList<>(List.of("sh", "-c", "t=$1; shift; exec \"$@\" 2>\"$t\"", "sh", file.toString()));
        sh.addAll(argv);
        return sh;
    }

    private static final java.util.regex.Pattern TRACE = java.util.regex.Pattern.compile("^pvrun-trace\\s+(\\d+) ms  .*$");

    /** The milliseconds since the engine started of a {@code PVRUN_TRACE} line, or -1 for any other line. */
    static long traceMs(String line) {
        java.util.regex.Matcher m = TRACE.matcher(line);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** An Xvfb of the case's own; its display name, e.g. ":5". */
    static final class Xvfb implements AutoCloseable {
        final Process process;
        final String display;

        Xvfb(Path dir) throws Exception {
            Path fd = dir.resolve("display");
            process = new ProcessBuilder("sh", "-c", "exec Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset 3>\"$1\"",
                    "sh", fd.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 100 && (!Files.exists(fd) || Files.size(fd) == 0); i++) {
                Thread.sleep(50);
            }
            display = ":" + Files.readString(fd).strip();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    /** A one-task render: pvrun's overhead against the same script run by bare pvbatch. */
    static final class LocalOverhead implements BenchCase {
        @Override
        public String id() {
            return "local-overhead";
        }

        @Override
        public String title() {
            return "Overhead on a one-task local render";
        }

        @Override
        public String description() {
            return "The quick start's script (`samples/wavelet/contour.py`, 1280×720) as a one-task pipeline on the local"
                    + " target, `./pvrun spec -q` (a fresh JVM each run: start-up, spec, staging, the run, collecting,"
                    + " hashing and the manifest), against `pvbatch --force-offscreen-rendering contour.py` in an empty"
                    + " directory. First both on one X display that is already up (the case's Xvfb), then each starting"
                    + " its own (`xvfb-run -a pvbatch`, as this Debian build needs X; pvrun its private Xvfb). Target:"
                    + " pvrun ≤ 1.10 × bare pvbatch. pvrun starts a one-rank pvbatch with `--no-mpi`; `bare pvbatch"
                    + " --no-mpi` shows the same by hand, so that the table also shows what pvrun itself costs.";
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            Path script = ctx.repo().resolve("samples/wavelet/contour.py");
            Path spec = Files.writeString(ctx.local().resolve("one.yaml"),
                    "name: bench-one\nscript: " + script + "\noutputs: [\"*.png\"]\n");
            Path bare = ctx.local().resolve("bare");
            Path results = ctx.local().resolve("results");
            Comparison.Check check = (name, warmUp) -> {
                long images = name.startsWith("pvrun") ? countPngs(results) : countPngs(bare);
                if (images != 1) {
                    throw new IllegalStateException(name + " made " + images + " images, not 1");
                }
            };
            Comparison.Action clean = () -> {
                Bench.deleteTree(bare);
                Files.createDirectories(bare);
                Bench.deleteTree(results);
            };
            try (Xvfb x = new Xvfb(ctx.local())) {
                new Comparison("one task, an X display already up")
                        .beforeEach(clean).afterEach(check)
                        .tool("bare pvbatch", () -> ctx.sh("cd " + Shell.quote(bare.toString()) + " && DISPLAY=" + x.display
                                + " exec pvbatch --force-offscreen-rendering " + Shell.quote(script.toString()) + " >/dev/null"))
                        // what pvrun starts for one rank (docs/runtime.md#mpi): shown so that pvrun's own cost is in the table too
                        .tool("bare pvbatch --no-mpi", () -> ctx.sh("cd " + Shell.quote(bare.toString()) + " && DISPLAY="
                                + x.display + " exec pvbatch --no-mpi --force-offscreen-rendering " + Shell.quote(script.toString())
                                + " >/dev/null"))
                        .candidate("pvrun", () -> ctx.run(pvrun(ctx, List.of("DISPLAY=" + x.display), spec.toString(), "-q",
                                "-o", results.toString())), "bare pvbatch", 1.10)
                        .run(ctx);
            }
            new Comparison("one task, each starting its own X server")
                    .beforeEach(clean).afterEach(check)
                    .tool("xvfb-run -a pvbatch", () -> ctx.sh("cd " + Shell.quote(bare.toString())
                            + " && exec xvfb-run -a pvbatch --force-offscreen-rendering " + Shell.quote(script.toString()) + " >/dev/null"))
                    .candidate("pvrun, own Xvfb", () -> ctx.run(pvrun(ctx, List.of("-u", "DISPLAY"), spec.toString(), "-q",
                            "-o", results.toString())), "xvfb-run -a pvbatch", 1.10)
                    .run(ctx);
        }

        static long countPngs(Path dir) throws Exception {
            if (!Files.isDirectory(dir)) {
                return 0;
            }
            try (var s = Files.walk(dir)) {
                return s.filter(p -> p.toString().endsWith(".png")).count();
            }
        }
    }

    /** A pipeline whose script writes many small files and one large one, over SSH, against doing it by hand. */
    static final class TransferEndToEnd implements BenchCase {
        @Override
        public String id() {
            return "transfer-e2e";
        }

        @Override
        public String title() {
            return "A transfer-heavy pipeline end to end";
        }

        @Override
        public String description() {
            return "A pvbatch script that writes 1000 files of 100 KiB and one file of 512 MiB (100 files and 16 MiB with"
                    + " --quick), run on the login host with no scheduler: `./pvrun spec -t jsch` (and `-t openssh`), a fresh"
                    + " JVM each run, which stages the script, runs it, and fetches and verifies every output (SHA-256 on"
                    + " both sides) with a manifest, against the manual way: `scp` the script, `ssh host pvbatch script`,"
                    + " `scp -r` the results (and the same with `rsync -a`). Target: pvrun ≤ 1.0 × the manual way.";
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            int files = ctx.quickMode() ? 100 : 1000;
            long big = ctx.quickMode() ? 16L << 20 : 512L << 20;
            Path script = Files.writeString(ctx.local().resolve("heavy.py"), "# bench: writes many small files and one large\n"
                    + "import os\nos.makedirs('out', exist_ok=True)\n"
                    + "for i in range(" + files + "):\n"
                    + "    with open('out/part-%04d.bin' % i, 'wb') as f:\n        f.write(os.urandom(100 * 1024))\n"
                    + "with open('big.bin', 'wb') as f:\n"
                    + "    for _ in range(" + (big >> 20) + "):\n        f.write(os.urandom(1 << 20))\n");
            Path spec = Files.writeString(ctx.local().resolve("heavy.yaml"),
                    "name: bench-e2e\nscript: heavy.py\ndisplay: offscreen\noutputs: [\"out/**\", \"big.bin\"]\n");
            Path dest = ctx.local().resolve("dest");
            String remoteManual = ctx.remote() + "/manual";
            String host = ctx.loginAlias();
            String ssh = TransferCases.sshCommand(ctx, false);
            String workdir = ctx.cluster("WORKDIR");
            Comparison.Check check = (name, warmUp) -> {
                long n = TransferCases.countFiles(dest);
                // pvrun's results also hold the pipeline's copy, logs, run record and manifest
                long expected = files + 1;
                if (n < expected) {
                    throw new IllegalStateException(name + " brought back " + n + " files, fewer than " + expected);
                }
            };
            String manualPrefix = "set -e; " + ssh + " " + host + " " + Shell.quote("rm -rf " + remoteManual + " && mkdir -p " + remoteManual)
                    + " >/dev/null; ";
            try {
                new Comparison(files + " files of 100 KiB and " + TransferCases.sizeText(big) + ", written on the host and brought back")
                        .beforeEach(() -> {
                            Bench.deleteTree(dest);
                            Files.createDirectories(dest);
                            ctx.ssh("rm -rf " + remoteManual + " " + workdir + "/bench-e2e");
                        })
                        .afterEach(check)
                        .tool("manual: scp, ssh pvbatch, scp -r", () -> ctx.sh(manualPrefix
                                + "scp -q -F " + Shell.quote(ctx.sshConfig()) + " " + Shell.quote(script.toString()) + " "
                                + host + ":" + remoteManual + "/ && "
                                + ssh + " " + host + " " + Shell.quote("cd " + remoteManual + " && pvbatch heavy.py") + " && "
                                + "scp -q -r -F " + Shell.quote(ctx.sshConfig()) + " " + host + ":" + remoteManual + " "
                                + Shell.quote(dest.toString()) + "/"))
                        .tool("manual: scp, ssh pvbatch, rsync -a", () -> ctx.sh(manualPrefix
                                + "scp -q -F " + Shell.quote(ctx.sshConfig()) + " " + Shell.quote(script.toString()) + " "
                                + host + ":" + remoteManual + "/ && "
                                + ssh + " " + host + " " + Shell.quote("cd " + remoteManual + " && pvbatch heavy.py") + " && "
                                + "rsync -a -e " + Shell.quote(ssh) + " " + host + ":" + remoteManual + " " + Shell.quote(dest.toString()) + "/"))
                        .candidate("pvrun -t jsch", () -> ctx.run(pvrun(ctx, List.of(), spec.toString(), "-t", "jsch", "--targets",
                                ctx.targetsFile().toString(), "-q", "-o", dest.toString())), "manual: scp, ssh pvbatch, scp -r", 1.0)
                        .candidate("pvrun -t openssh", () -> ctx.run(pvrun(ctx, List.of(), spec.toString(), "-t", "openssh",
                                "--targets", ctx.targetsFile().toString(), "-q", "-o", dest.toString())),
                                "manual: scp, ssh pvbatch, scp -r", 1.0)
                        .run(ctx);
            } finally {
                ctx.ssh("rm -rf " + remoteManual + " " + workdir + "/bench-e2e");
            }
        }
    }

    /**
     * A 1000-task sweep to the cluster's Slurm through the local transport (this machine is its login node), with
     * {@code squeue} and {@code sbatch} on the PATH as wrappers that count their calls.
     */
    static final class SweepLoad implements BenchCase {
        @Override
        public String id() {
            return "sweep-load";
        }

        @Override
        public String title() {
            return "Scheduler load and memory of a 1000-task sweep";
        }

        @Override
        public String description() {
            return "A 1000-point sweep (40 with --quick) of a script that writes one small file per task, to the cluster's"
                    + " Slurm from its login node (the local transport), packed as pvrun chooses (8 jobs) and with"
                    + " `tasks_per_job: 10` (100 jobs), one job array each. `squeue` and `sbatch` are wrappers on the PATH"
                    + " that count their calls (checked against the status queries `PVRUN_TRACE` reports); the poll"
                    + " intervals are the seconds between pvrun's first and last look at the jobs' files (it looks sooner"
                    + " when a file appears, but asks the scheduler at most once per interval); peak RSS is the pvrun"
                    + " process's (GNU time's maximum resident set size). Targets: at most one status query per poll"
                    + " interval whatever the number of jobs, and peak RSS ≤ 256 MiB.";
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            int points = ctx.quickMode() ? 40 : 1000;
            Path wrap = Files.createDirectories(ctx.local().resolve("wrap"));
            Path calls = ctx.local().resolve("calls.txt");
            for (String tool : List.of("squeue", "sbatch")) {
                String real = ctx.sh("command -v " + tool).strip();
                Path w = Files.writeString(wrap.resolve(tool), "#!/bin/sh\necho " + tool + " >>" + Shell.quote(calls.toString())
                        + "\nexec " + Shell.quote(real) + " \"$@\"\n");
                w.toFile().setExecutable(true);
            }
            Files.writeString(ctx.local().resolve("one.py"), "# bench: one small file per task\nimport pvrun\n"
                    + "open('out.txt', 'w').write('%d\\n' % pvrun.param('i'))\n");
            Path work = Files.createDirectories(ctx.local().resolve("slurm-work"));
            Path targets = Files.writeString(ctx.local().resolve("local-slurm.yaml"), "targets:\n  login:\n    workdir: " + work
                    + "\n    display: offscreen\n    poll: 1s\n    scheduler: slurm\n    resources: {partition: "
                    + ctx.cluster("PARTITION") + ", time: \"00:30:00\"}\n");
            Bench.Table table = new Bench.Table(points + "-task sweep to Slurm", List.of("packing", "jobs", "seconds",
                    "poll intervals (1 s)", "looks at the files", "squeue calls", "squeue calls per interval", "sbatch calls",
                    "peak RSS MiB"));
            double worstPerPoll = 0;
            double worstRss = 0;
            String path = wrap + ":" + System.getenv("PATH");
            for (Integer perJob : new Integer[] {null, ctx.quickMode() ? 4 : 10}) {
                String name = "bench-load" + (perJob == null ? "" : "-" + perJob);
                Path spec = Files.writeString(ctx.local().resolve(name + ".yaml"), "name: " + name + "\nscript: one.py\n"
                        + "sweep:\n  i: {from: 0, to: " + (points - 1) + ", step: 1}\noutputs: [\"out.txt\"]\n"
                        + (perJob == null ? "" : "tasks_per_job: " + perJob + "\n"));
                Files.deleteIfExists(calls);
                Path trace = ctx.local().resolve(name + ".trace");
                Path time = ctx.local().resolve(name + ".time");
                List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-o", time.toString(), "-f", "%M %e"));
                argv.addAll(pvrun(ctx, List.of("PATH=" + path, "PVRUN_TRACE=1"), spec.toString(), "-t", "login", "--targets",
                        targets.toString(), "-q", "--json", "-o", ctx.local().resolve("results").toString()));
                String json = ctx.run(stderrTo(trace, argv));
                var manifest = org.pvrun.results.ManifestIO.JSON.readTree(json);
                int jobs = manifest.get("tasks").findValues("job").stream()
                        .map(n -> n.asText()).collect(java.util.stream.Collectors.toSet()).size();
                List<Long> pollTimes = Files.readAllLines(trace).stream().filter(l -> l.startsWith("pvrun-trace") && l.endsWith(" poll"))
                        .map(EngineCases::traceMs).toList();
                long polls = pollTimes.size();
                // the poll intervals (1 s) between the first look at the jobs and the last
                long intervals = polls == 0 ? 0 : (pollTimes.get(pollTimes.size() - 1) - pollTimes.get(0)) / 1000 + 1;
                long queries = Files.readAllLines(trace).stream().filter(l -> l.startsWith("pvrun-trace") && l.endsWith(" status query")).count();
                List<String> called = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
                long squeue = called.stream().filter("squeue"::equals).count();
                long sbatch = called.stream().filter("sbatch"::equals).count();
                String[] te = Files.readString(time).strip().split("\\s+");
                double rss = Double.parseDouble(te[te.length - 2]) / 1024;
                double seconds = Double.parseDouble(te[te.length - 1]);
                if (queries != squeue) {
                    throw new IllegalStateException("pvrun traced " + queries + " status queries, the squeue wrapper counted " + squeue);
                }
                double perPoll = intervals == 0 ? 0 : (double) squeue / intervals;
                worstPerPoll = Math.max(worstPerPoll, perPoll);
                worstRss = Math.max(worstRss, rss);
                table.row(List.of(perJob == null ? "pvrun's choice" : "tasks_per_job: " + perJob, Integer.toString(jobs),
                        Comparison.fmt(seconds), Long.toString(intervals), Long.toString(polls), Long.toString(squeue),
                        String.format(Locale.ROOT, "%.2f", perPoll), Long.toString(sbatch), String.format(Locale.ROOT, "%.0f", rss)));
                ctx.log("sweep-load: %s: %d jobs, %.1f s, %d intervals, %d looks, %d squeue, %d sbatch, %.0f MiB", name, jobs,
                        seconds, intervals, polls, squeue, sbatch, rss);
                // pvrun collects at the last verdict; the jobs still end (pvbatch tears down, the job writes its
                // exit and output files) before their directories can be removed
                String array = manifest.get("job_ids").get(0).asText();
                for (int i = 0; i < 120 && !ctx.sh("squeue -h -j " + array + " 2>/dev/null; true").isBlank(); i++) {
                    Thread.sleep(500);
                }
            }
            ctx.table(table);
            ctx.figure("Status queries per poll interval, " + points + "-task sweep (8 and 100 jobs)",
                    String.format(Locale.ROOT, "%.2f (the larger of both runs)", worstPerPoll), "≤ 1", worstPerPoll <= 1.0);
            ctx.figure("Peak RSS running a " + points + "-task sweep", String.format(Locale.ROOT, "%.0f MiB", worstRss),
                    "≤ 256 MiB", worstRss <= 256);
        }
    }
}
