package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pvrun.PvrunException;
import org.pvrun.scheduler.SetupLines;
import org.pvrun.spec.VersionConstraint;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalTransport;
import org.pvrun.util.Shell;

/** Finding pvbatch and mpiexec on this machine, asking pvbatch its version, building the launch command. */
public final class Pvbatch {
    private static final Pattern VERSION = Pattern.compile("paraview version (\\S+)", Pattern.CASE_INSENSITIVE);
    static final String INSTALL_HINT = "install ParaView (Debian/Ubuntu: apt-get install paraview python3-paraview), "
            + "put pvbatch on PATH, or set PVRUN_PVBATCH to its path";

    private Pvbatch() {}

    /** The pvbatch to use: $PVRUN_PVBATCH, else the first on PATH; exit 3 with how to install when missing. */
    public static Path locate(Map<String, String> env) {
        String override = env.get("PVRUN_PVBATCH");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p)) {
                return p;
            }
            Path found = onPath(override, env);
            if (found != null) {
                return found;
            }
            throw PvrunException.environment("PVRUN_PVBATCH=" + override + " is not an executable file; " + INSTALL_HINT);
        }
        Path found = onPath("pvbatch", env);
        if (found == null) {
            throw PvrunException.environment("pvbatch not found on PATH; " + INSTALL_HINT);
        }
        return found;
    }

    /** The mpiexec to use for ranks > 1: $PVRUN_MPIEXEC, else mpiexec on PATH. */
    public static Path locateMpiexec(Map<String, String> env) {
        String name = env.getOrDefault("PVRUN_MPIEXEC", "mpiexec");
        Path p = name.contains("/") ? Path.of(name) : onPath(name, env);
        if (p == null || !Files.isExecutable(p)) {
            throw PvrunException.environment(name + " not found; ranks > 1 runs pvbatch under MPI: install the MPI "
                    + "that pvbatch was built with (Debian/Ubuntu: apt-get install openmpi-bin), or set PVRUN_MPIEXEC");
        }
        return p;
    }

    public static Path onPath(String name, Map<String, String> env) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? p : null;
        }
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A shell line that keeps OpenMPI's hwloc from probing X displays. Under MPI, even a singleton (as for
     * {@code --version}), hwloc's gl component connects to every X server :0 to :9 it finds, and pvbatch dies
     * ("X connection to :0 broken") when one it has nothing to do with goes away. A user's own
     * HWLOC_COMPONENTS is kept. The job scripts export the same.
     */
    public static final String NO_DISPLAY_PROBE = "export HWLOC_COMPONENTS=\"${HWLOC_COMPONENTS:--gl}\"\n";

    /**
     * {@code pvbatch --version} after the setup lines, each checked as in a job: the first failing line ends the
     * command with its status and {@code pvrun: setup line N failed ...} on stderr ({@link SetupLines#failure}).
     */
    public static List<String> checkedVersionCommand(List<String> setup, String pvbatch) {
        return List.of("bash", "-c", SetupLines.checked(setup) + NO_DISPLAY_PROBE + Shell.join(List.of(pvbatch, "--version")));
    }

    /** {@code pvbatch --version} on a target, after its setup lines (module loads), as a command for its shell. */
    /**
     * {@code pvbatch --no-mpi --version} after the setup lines: without MPI's singleton start, which is slower, and
     * which failed when several pvruns asked at once (OpenMPI: "A call to mkdir was unable to create the desired
     * directory: /tmp/ompi.HOST.UID ... File exists", seen with ten runners at once, TenRunnersIT).
     */
    public static List<String> versionCommand(List<String> setup, String pvbatch) {
        StringBuilder sh = new StringBuilder();
        setup.forEach(l -> sh.append(l).append('\n'));
        return List.of("bash", "-c", sh + NO_DISPLAY_PROBE + Shell.join(List.of(pvbatch, "--no-mpi", "--version")));
    }

    /** Asks pvbatch for its version ("5.11.0"). */
    public static String version(Path pvbatch) {
        try (LocalTransport local = new LocalTransport()) {
            ExecResult r = local.exec(versionCommand(List.of(), pvbatch.toString()), Duration.ofSeconds(60));
            String v = parseVersion(r.stdout() + "\n" + r.stderr());
            if (v == null) {
                throw PvrunException.environment("cannot tell the version of " + pvbatch + ":\n" + r.evidence());
            }
            return v;
        } catch (IOException e) {
            throw PvrunException.environment("cannot run " + pvbatch + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PvrunException(130, "interrupted");
        }
    }

    /** The version in {@code pvbatch --version} output ("paraview version 5.11.0"), or null. */
    public static String parseVersion(String output) {
        Matcher m = VERSION.matcher(output);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The launch argument list: [LAUNCHER -n N ...] pvbatch [--no-mpi] --force-offscreen-rendering DRIVER JOB.
     * A pvbatch started on its own (one rank, no launcher) gets {@code --no-mpi} when its ParaView has the
     * option (5.10 and newer): MPI's start-up as a singleton (PMIx, hwloc, a munge check) is a third of a
     * small render's time (0.35 s of 1.9 s here), and one process has nobody to talk to. The images are the
     * same byte for byte.
     *
     * @param launcher see {@link #launcher}
     * @param paraviewVersion the target's ParaView version, null when not known (then MPI starts as before)
     */
    public static List<String> launchCommand(String launcher, int ranks, String pvbatch, String paraviewVersion,
            String driver, String job) {
        List<String> argv = launcher(launcher, ranks);
        boolean alone = ranks == 1 && argv.isEmpty(); // launcher "none" with more ranks: something else starts them
        argv.add(pvbatch);
        if (alone && paraviewVersion != null && HAS_NO_MPI.isSatisfiedBy(paraviewVersion)) {
            argv.add("--no-mpi");
        }
        argv.add("--force-offscreen-rendering");
        argv.add(driver);
        argv.add(job);
        return argv;
    }

    /** The ParaView versions whose pvbatch knows {@code --no-mpi}: 5.10, the new command line, and later. */
    private static final VersionConstraint HAS_NO_MPI = VersionConstraint.parse(">=5.10");

    /**
     * The words that start N ranks of a program: none for one rank with "mpiexec" (the default), else
     * {@code mpiexec -n N}, {@code srun -n N}, nothing for "none", or a template such as
     * "mpirun -np {ranks}" split on white space.
     */
    public static List<String> launcher(String launcher, int ranks) {
        List<String> argv = new ArrayList<>();
        if (ranks > 1 || !launcher.equals("mpiexec")) {
            switch (launcher) {
                case "none" -> { }
                case "mpiexec" -> argv.addAll(List.of("mpiexec", "-n", Integer.toString(ranks)));
                case "srun" -> argv.addAll(List.of("srun", "-n", Integer.toString(ranks)));
                default -> {
                    for (String word : launcher.trim().split("\\s+")) {
                        argv.add(word.replace("{ranks}", Integer.toString(ranks)));
                    }
                }
            }
        }
        return argv;
    }
}
