package org.pvrun.run;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.io.FileUtils;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.connect.Connection;
import org.pvrun.connect.Transports;
import org.pvrun.plan.Planner;
import org.pvrun.results.ManifestIO;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.scheduler.SetupLines;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;
import org.pvrun.util.LogTail;
import org.pvrun.util.Shell;

/**
 * {@code pvrun doctor}: one line per check, ok or FAIL with a fix (docs/doctor.md). The render check is a
 * real run of a tiny 2-rank pipeline through the target's scheduler, so it proves pvbatch, MPI, the
 * display and the scheduler together.
 */
public final class Doctor {
    /** One check's outcome. */
    /** One check's outcome; a skipped check could not run because one before it failed. */
    public record Check(String name, Status status, String detail, String fix) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    /** How a check came out. */
    public enum Status { OK, FAILED, SKIPPED }

    private final RunOptions o;
    private final boolean acceptNewHostKey;
    private final List<Check> checks = new ArrayList<>();

    public Doctor(RunOptions o, boolean acceptNewHostKey) {
        this.o = o;
        this.acceptNewHostKey = acceptNewHostKey;
    }

    public List<Check> checks() {
        return checks;
    }

    /** Runs every check against the target; returns 0 when all pass, 3 otherwise. */
    public int run(Target target, int ranks) {
        Target t = target;
        if (target.isLocalDirect()) {
            try {
                Pvbatch.locate(o.env());
            } catch (PvrunException e) {
                add("pvbatch", false, "not found", e.getMessage());
                skip("MPI with " + ranks + " ranks", "pvbatch");
                skip("offscreen render", "pvbatch");
                return finish();
            }
        }
        try (Transport tr = Transports.open(t, acceptNewHostKey, o.env(), o.err())) {
            ExecResult r = tr.exec(List.of("true"), Duration.ofSeconds(60));
            add("connect", r.ok(), tr.describe(), r.ok() ? null : "the target runs no commands:\n" + r.evidence());
        } catch (PvrunException e) {
            // the message's first line is the finding; what follows it (the file read, the command to try) is the fix
            List<String> lines = e.getMessage().lines().toList();
            add("connect", false, lines.isEmpty() ? "" : lines.get(0), lines.size() > 1
                    ? String.join("\n", lines.subList(1, lines.size()))
                    : "check the host, port, user and jump hosts in the targets file");
            skip("scheduler", "a connection");
            skip("pvbatch", "a connection");
            skip("MPI with " + ranks + " ranks", "a connection");
            skip("offscreen render", "a connection");
            return finish();
        } catch (IOException | InterruptedException e) {
            add("connect", false, e.getMessage(), "check the host, port, user and jump hosts in the targets file");
            return finish();
        }
        try (Transport tr = Transports.open(t, acceptNewHostKey, o.env(), o.err())) {
            checkScheduler(tr, t);
            if (!checkPvbatch(tr, t)) {
                skip("MPI with " + ranks + " ranks", "pvbatch");
                skip("offscreen render", "pvbatch");
                return finish();
            }
        } catch (IOException | InterruptedException | PvrunException e) {
            add("pvbatch", false, e.getMessage(), "see the message");
            return finish();
        }
        renderCheck(target, ranks);
        return finish();
    }

    private void checkScheduler(Transport tr, Target t) throws IOException, InterruptedException {
        if (t.scheduler().equals("none")) {
            add("scheduler", true, "none (pvbatch runs directly)", null);
            return;
        }
        Scheduler s = Schedulers.forName(t.scheduler());
        List<String> cmd = s.statusCommand(List.of("0"));
        ExecResult r = tr.exec(cmd, Duration.ofSeconds(60));
        boolean ok = r.ok() || !r.stdout().isBlank();
        add("scheduler", ok, s.name() + " answers (" + Shell.join(cmd) + ")", ok ? null
                : "the " + s.name() + " status query failed; is the scheduler's client on PATH after the setup lines, "
                + "and its controller up?\n" + r.evidence());
    }

    private boolean checkPvbatch(Transport tr, Target t) throws IOException, InterruptedException {
        String pvbatch = t.isRemote() ? t.pvbatch() : Pvbatch.locate(o.env()).toString();
        // the setup lines and pvbatch in one shell, as in a job
        ExecResult r = tr.exec(Pvbatch.checkedVersionCommand(t.setup(), pvbatch), Duration.ofSeconds(120));
        if (!t.setup().isEmpty()) {
            String failed = SetupLines.failure(r.stderr());
            add("setup", failed == null, failed == null ? t.setup().size() + " setup line(s) ran" : failed,
                    failed == null ? null : "fix the target's 'setup:' lines: a job stops at a failing one, before pvbatch");
            if (failed != null) {
                skip("pvbatch", "the setup lines");
                return false;
            }
        }
        String v = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
        if (v != null) {
            VersionCache.put(new StateDir(o.env()), VersionCache.key(t), v);
        }
        add("pvbatch", v != null, v != null ? pvbatch + " is ParaView " + v : "no version from " + pvbatch,
                v != null ? null : "install ParaView on the target, or set 'pvbatch:' or the 'setup:' lines that load it "
                + "(e.g. module load paraview)\n" + r.evidence());
        return v != null;
    }

    /**
     * Renders the doctor pipeline with {@code ranks} ranks through the target, as a real run, in a folder and a state
     * directory of its own that go afterwards, with the run's directory on the target: the check is not one of the
     * user's runs (pvrun list, prune and resume never see it).
     */
    private void renderCheck(Target target, int ranks) {
        Path dir;
        try {
            dir = Files.createTempDirectory("pvrun-doctor");
        } catch (IOException e) {
            add("offscreen render", false, e.getMessage(), "check the temporary folder");
            return;
        }
        try {
            renderCheck(target, ranks, dir);
        } finally {
            FileUtils.deleteQuietly(dir.toFile());
        }
    }

    private void renderCheck(Target target, int ranks, Path dir) {
        try {
            try (InputStream in = Doctor.class.getResourceAsStream("/org/pvrun/doctor/doctor.py")) {
                Files.copy(in, dir.resolve("doctor.py"));
            }
            Files.writeString(dir.resolve("doctor.yaml"), "name: pvrun-doctor\nscript: doctor.py\nranks: " + ranks
                    + "\noutputs: [doctor.png, doctor.json]\ntimeout: 10m\n");
        } catch (IOException e) {
            add("offscreen render", false, e.getMessage(), "check the temporary folder");
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(o.env());
        env.put("PVRUN_STATE", dir.resolve("state").toString());
        RunOptions ro = new RunOptions(dir.resolve("results"), false, false, true, quiet, quiet, env);
        RunResult r;
        try {
            PipelineSpec spec = new SpecLoader().load(dir.resolve("doctor.yaml"), Map.of(), env);
            r = new Engine(ro, new Engine.Options(acceptNewHostKey, false, false, null)).run(Planner.plan(spec), target);
        } catch (PvrunException e) {
            add("MPI with " + ranks + " ranks", false, "the check run failed", e.getMessage());
            skip("offscreen render", "the check run");
            return;
        }
        removeOnTarget(target, r.manifest() == null ? null : r.manifest().remoteDir());
        Path task = r.runDir().resolve("tasks/0000");
        String tail = LogTail.orEmpty(r.runDir().resolve("logs/0000.log"), 15);
        String jobTail = LogTail.orEmpty(r.runDir().resolve("logs/job-0.out"), 15);
        try {
            JsonNode j = ManifestIO.JSON.readTree(task.resolve("doctor.json").toFile());
            int got = j.get("ranks").asInt();
            boolean ok = got == ranks && j.get("process_ids").size() == ranks;
            add("MPI with " + ranks + " ranks", ok, got + " rank(s) held part of the data " + j.get("process_ids"),
                    ok ? null : "pvbatch ran as " + got + " independent rank(s): the launcher ('" + target.launcher()
                    + "') must start one MPI world (Slurm: srun --mpi=pmix, or launcher: mpiexec)");
        } catch (IOException | RuntimeException e) {
            add("MPI with " + ranks + " ranks", false, "no result (task " + r.manifest().tasks().get(0).status() + ")",
                    "the check run's log ends:\n" + tail + "\njob output:\n" + jobTail);
        }
        try {
            BufferedImage img = ImageIO.read(task.resolve("doctor.png").toFile());
            double variance = org.pvrun.report.ImageComparison.luminanceVariance(img);
            boolean ok = variance > 10;
            add("offscreen render", ok, img.getWidth() + "x" + img.getHeight() + " image, luminance variance "
                    + String.format("%.0f", variance), ok ? null : "the image is blank: set 'display: xvfb' (GLX builds such "
                    + "as Debian's need an X server) or 'display: egl' on the target");
        } catch (IOException | RuntimeException e) {
            add("offscreen render", false, "no image", "the check run's log ends:\n" + tail + "\njob output:\n" + jobTail
                    + "\nGLX builds (Debian's) need 'display: xvfb' and the xvfb package on the compute nodes");
        }
    }

    /** The check run's directory on the target, which nothing else would ever remove. */
    private void removeOnTarget(Target target, String remoteDir) {
        if (remoteDir == null || !remoteDir.endsWith("/pvrun-doctor/" + remoteDir.substring(remoteDir.lastIndexOf('/') + 1))) {
            return;
        }
        try (Connection c = Transports.connect(target, acceptNewHostKey, o.env(), o.err())) {
            c.transport().exec(List.of("rm", "-rf", "--", remoteDir), Duration.ofMinutes(2));
        } catch (IOException | InterruptedException | PvrunException e) {
            o.err().println("pvrun: note: the check run's directory " + target.name() + ":" + remoteDir
                    + " could not be removed: " + e.getMessage());
        }
    }

    private void add(String name, boolean ok, String detail, String fix) {
        checks.add(new Check(name, ok ? Status.OK : Status.FAILED, detail, fix));
        o.out().print(line(ok ? "ok" : "FAIL", name, detail, ok ? null : fix));
    }

    /**
     * A check's line, and for a failure its fix under it: {@code fix:} once, the fix's further lines indented to
     * match; a fix that begins by repeating the finding starts after it.
     */
    static String line(String mark, String name, String detail, String fix) {
        StringBuilder b = new StringBuilder(String.format("  %-4s %-18s %s%n", mark, name, detail));
        if (fix != null) {
            List<String> lines = new ArrayList<>(fix.strip().lines().toList());
            if (!lines.isEmpty() && lines.get(0).strip().equals(detail.strip())) {
                lines.remove(0);
            }
            String prefix = "         fix: ";
            for (String l : lines) {
                b.append(prefix).append(l).append(System.lineSeparator());
                prefix = "              ";
            }
        }
        return b.toString();
    }

    private void skip(String name, String needs) {
        checks.add(new Check(name, Status.SKIPPED, "skipped: needs " + needs, null));
        o.out().printf("  %-4s %-18s skipped (needs %s)%n", "--", name, needs);
    }

    private int finish() {
        o.out().println("pvrun doctor: " + summary(checks));
        return checks.stream().allMatch(Check::ok) ? ExitCode.OK : ExitCode.ENVIRONMENT;
    }

    /** "all 6 checks passed", or "1 check failed, 4 skipped". */
    static String summary(List<Check> checks) {
        long failed = checks.stream().filter(c -> c.status() == Status.FAILED).count();
        long skipped = checks.stream().filter(c -> c.status() == Status.SKIPPED).count();
        if (failed == 0 && skipped == 0) {
            return "all " + checks.size() + " check" + (checks.size() == 1 ? "" : "s") + " passed";
        }
        return failed + " check" + (failed == 1 ? "" : "s") + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : "");
    }
}
