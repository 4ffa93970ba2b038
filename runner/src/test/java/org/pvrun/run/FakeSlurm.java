package org.pvrun.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A scripted Slurm for tests without a cluster, as PSI/J tests its batch executors: {@code sbatch},
 * {@code squeue}, {@code scancel} and {@code sacct} are shell scripts in a folder put first on PATH of a real
 * pvrun process, which reaches them through its real LocalTransport. Nothing runs the job script: the test
 * plays the job by writing its files (verdicts, outputs, exit files) and the queue's answer, in the order
 * whose race it pins.
 */
final class FakeSlurm {
    final Path dir;
    final Path bin;
    final Path state;
    final Path workdir;
    final Path targets;
    /** Added to the environment of each pvrun started. */
    final Map<String, String> env = new java.util.HashMap<>();

    FakeSlurm(Path dir) throws IOException {
        this.dir = dir;
        this.bin = Files.createDirectories(dir.resolve("bin"));
        this.state = Files.createDirectories(dir.resolve("slurm"));
        this.workdir = Files.createDirectories(dir.resolve("remote"));
        Files.createDirectories(state.resolve("queue"));
        // sbatch: the next id; the queue shows the job (or its array) pending for Priority; die-after-submit plays the answer
        // lost on its way back (pvrun killed between the submission and recording its id)
        script("sbatch", """
                : >"$S/submitting"
                if [ -f "$S/slow-submit" ]; then sleep 3; fi
                script="$2"; id=$(cat "$S/next" 2>/dev/null || echo 100); echo $((id + 1)) >"$S/next"
                echo "$id|$script" >>"$S/jobs"
                n=$(sed -n 's/^#SBATCH --array=0-\\([0-9]*\\).*/\\1/p' "$script")
                if [ -n "$n" ]; then echo "${id}_[0-$n] PD Priority" >"$S/queue/$id"; else echo "$id PD Priority" >"$S/queue/$id"; fi
                if [ -f "$S/die-after-submit" ]; then rm -f "$S/die-after-submit"; kill -9 $PPID; sleep 5; fi
                echo "$id"
                """);
        script("squeue", """
                if [ -f "$S/squeue-hangs" ]; then exec sleep 30; fi
                case "$*" in
                  *%o*) while IFS='|' read -r id s; do [ -f "$S/queue/$id" ] && echo "$id|$s"; done <"$S/jobs" 2>/dev/null ;;
                  *) cat "$S"/queue/* 2>/dev/null ;;
                esac
                exit 0
                """);
        script("scancel", """
                echo "$*" >>"$S/scancel.log"
                if [ -f "$S/scancel-refused" ]; then echo "scancel: error: Kill job error on job id $1: Access denied" >&2; exit 1; fi
                for id in "$@"; do [ -f "$S/queue/$id" ] && sed -i 's/^\\([^ ]*\\) .*$/\\1 CA/' "$S/queue/$id"; done
                exit 0
                """);
        script("sacct", "echo 'Slurm accounting storage is disabled' >&2; exit 1\n");
        script("pvbatch", "echo 'paraview version 5.11.0'\n");
        targets = dir.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n  fake:\n    scheduler: slurm\n    workdir: " + workdir + "\n    pvbatch: "
                + bin.resolve("pvbatch") + "\n    poll: 1s\n    display: offscreen\n");
    }

    private void script(String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/sh\nS='" + state + "'\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * The queue's answer for a job: lines of squeue's {@code %i %t %r} ("100_0 R None", "100_1 PD Resources"; the
     * reason may be left out); none: the queue forgot it.
     */
    void queue(String id, String... lines) throws IOException {
        if (lines.length == 0) {
            Files.deleteIfExists(state.resolve("queue").resolve(id));
        } else {
            Files.writeString(state.resolve("queue").resolve(id), String.join("\n", lines) + "\n");
        }
    }

    /** From now on squeue hangs (until it is stopped, or for 30 s). */
    void squeueHangs() throws IOException {
        Files.writeString(state.resolve("squeue-hangs"), "");
    }

    /** Submissions so far: "ID|SCRIPT". */
    List<String> submissions() throws IOException {
        Path f = state.resolve("jobs");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    String scancels() throws IOException {
        Path f = state.resolve("scancel.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /** The run directory "on the target" of submission {@code i}. */
    Path runDir(int i) throws IOException {
        return Path.of(submissions().get(i).split("\\|", 2)[1]).getParent().getParent().getParent();
    }

    /** A task starting as the driver marks it: {@code status/NNNN.started}. */
    static void taskStarted(Path runDir, int task) throws IOException {
        Files.writeString(runDir.resolve("status/" + String.format("%04d", task) + ".started"), "");
    }

    /** A task finishing as the driver does: its outputs, then its verdict (written last, renamed into place). */
    static void taskDone(Path runDir, int task, int code) throws IOException {
        String id = String.format("%04d", task);
        Files.writeString(runDir.resolve("tasks/" + id + "/out.txt"), "task " + task + "\n");
        Files.writeString(runDir.resolve("logs/" + id + ".log"), "rendered " + task + "\n");
        Files.writeString(runDir.resolve("status/" + id + ".started"), "");
        Path tmp = runDir.resolve("status/" + id + ".exit.tmp");
        Files.writeString(tmp, code + "\n");
        Files.move(tmp, runDir.resolve("status/" + id + ".exit"));
    }

    /** A job's own end: its nodes file and its exit file. */
    static void jobExit(Path runDir, int round, int job, int code) throws IOException {
        Path jobs = runDir.resolve("jobs/r" + round);
        Files.writeString(jobs.resolve("job-" + job + ".nodes"), "node1\n");
        Files.writeString(jobs.resolve("job-" + job + ".exit"), code + "\n");
    }

    /** A pvrun process with the fake scheduler first on its PATH, its output read line by line. */
    Pvrun start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("PVRUN_STATE", dir.resolve("state").toString());
        env.putAll(this.env);
        return new Pvrun(pb.start());
    }

    /** A running pvrun and everything it printed. */
    static final class Pvrun {
        final Process process;
        private final BufferedReader out;
        final StringBuilder seen = new StringBuilder();

        Pvrun(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads until a line matches (or the output ends: then fails with what was seen). */
        String await(Predicate<String> line) throws IOException {
            String l;
            while ((l = out.readLine()) != null) {
                seen.append(l).append('\n');
                if (line.test(l)) {
                    return l;
                }
            }
            throw new AssertionError("pvrun ended without the line awaited:\n" + seen);
        }

        void sigint() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        }

        /** Waits for the end; returns the exit status. */
        int end(Duration limit) throws IOException, InterruptedException {
            String l;
            while ((l = out.readLine()) != null) {
                seen.append(l).append('\n');
            }
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("pvrun still running after " + limit + ":\n" + seen);
            }
            return process.exitValue();
        }

        @Override
        public String toString() {
            return seen.toString();
        }
    }
}
