package org.pvrun.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.util.Shell;

/**
 * Scheduler "none": the job script runs directly on the target, detached from the connection that started
 * it. The "job id" is the process id of the script's bash, which is also its process group (setsid).
 *
 * <p>What the engine does differently from a batch scheduler:
 * <ul>
 *   <li>Run {@link #submitCommand} like any submit command; it returns at once and prints the pid.</li>
 *   <li>The "queue" is the process table: {@link #statusCommand} lists the jobs whose script still runs
 *       ({@code kill -0 PID}), {@link #parseStatus} reads them as running; a job absent from it with no
 *       {@code jobDir/job-N.exit} died without a verdict (killed, machine rebooted).</li>
 *   <li>The script writes {@code job-0.pid} and {@code job-0.out} itself, so the jobDir must exist
 *       before submission (as for every scheduler).</li>
 * </ul>
 */
public final class NoScheduler implements Scheduler {

    @Override
    public String name() {
        return "none";
    }

    /**
     * One script for all the run's jobs: without a scheduler there is no array, so pvrun starts the script
     * once per job with {@code PVRUN_ARRAY_INDEX} set ({@link #submitElementCommand}), as many at a time as
     * it allows. Resources are ignored, as there is no one to ask for them.
     */
    @Override
    public String renderJobScript(JobSpec job) {
        Map<String, Object> view = JobScripts.commonView(job, "${PVRUN_ARRAY_INDEX:-0}");
        return JobScripts.render("none.sh.mustache", view);
    }

    /** {@link #submitCommand} for job {@code index} of the run: the same script with PVRUN_ARRAY_INDEX set. */
    public List<String> submitElementCommand(String jobScriptPath, int index) {
        List<String> argv = new ArrayList<>(List.of("env", "PVRUN_ARRAY_INDEX=" + index));
        argv.addAll(submitCommand(jobScriptPath));
        return argv;
    }

    /**
     * {@code sh -c 'setsid nohup bash SCRIPT </dev/null >/dev/null 2>&1 & echo $!'}: setsid puts the job in a
     * session of its own so that neither a closing SSH channel nor a signal to pvrun's process group reaches
     * it; with every stream redirected the command returns at once (an SSH exec channel would otherwise wait
     * for the job). From a non-interactive sh the background child is not a group leader, so setsid does
     * not fork and {@code $!} is the pid of the script's bash.
     */
    @Override
    public List<String> submitCommand(String jobScriptPath) {
        return List.of("sh", "-c", "setsid nohup bash " + Shell.quote(jobScriptPath)
                + " </dev/null >/dev/null 2>&1 & echo $!");
    }

    @Override
    public String parseJobId(String submitStdout) {
        String pid = submitStdout.strip();
        if (!pid.matches("[1-9]\\d*")) {
            throw new IllegalArgumentException("expected a process id from the submit command, got:\n"
                    + BatchCommands.indent(submitStdout));
        }
        return pid;
    }

    /** {@code kill -0} (a shell builtin: no fork per job) for each job; prints {@code PID R} for those alive. */
    @Override
    public List<String> statusCommand(Collection<String> jobIds) {
        StringBuilder line = new StringBuilder();
        for (String pid : jobIds) {
            line.append("kill -0 ").append(checkedPid(pid)).append(" 2>/dev/null && echo '").append(pid).append(" R'; ");
        }
        return List.of("sh", "-c", line.append("exit 0").toString());
    }

    /** The jobs {@link #statusCommand} found alive, as running; other lines are ignored. */
    @Override
    public Map<String, JobState> parseStatus(String statusStdout) {
        Map<String, JobState> out = new LinkedHashMap<>();
        for (String line : statusStdout.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2 && f[0].matches("[1-9]\\d*") && f[1].equals("R")) {
                out.put(f[0], JobState.RUNNING);
            }
        }
        return out;
    }

    /** Without a scheduler nothing enforces a wall time: the job's launch line wraps pvbatch in coreutils timeout. */
    @Override
    public boolean enforcesWallTime() {
        return false;
    }

    /** No arrays: the engine starts the one script once per job ({@link #submitElementCommand}). */
    @Override
    public boolean runsArrays() {
        return false;
    }

    /**
     * SIGTERM to every process of each job's session: the job script is a session leader (setsid), and
     * everything it starts stays in its session even where it moves to a process group of its own, as
     * OpenMPI's mpiexec does with the ranks it launches (seen here: pvbatch ranks outlived a signal to the
     * job's process group). {@code pkill -s SID} (procps) reaches them all; the group kill after it covers
     * systems without pkill. Ids must be process ids above 1: {@code kill -- -1} would signal every process
     * the user may signal.
     */
    @Override
    public List<String> cancelCommand(Collection<String> jobIds) {
        return List.of("sh", "-c", signalAll(jobIds, "TERM"));
    }

    /** A shell line that sends {@code signal} to every process of the jobs' sessions. */
    public static String signalAll(Collection<String> jobIds, String signal) {
        StringBuilder line = new StringBuilder();
        for (String pid : jobIds) {
            checkedPid(pid);
            line.append("pkill -").append(signal).append(" -s ").append(pid).append(" 2>/dev/null; ")
                    .append("kill -s ").append(signal).append(" -- -").append(pid).append(" 2>/dev/null; ");
        }
        return line.append("exit 0").toString();
    }

    /** A shell line that prints the ids of the jobs whose sessions still have a process. */
    public static String aliveSessions(Collection<String> jobIds) {
        StringBuilder line = new StringBuilder();
        for (String pid : jobIds) {
            checkedPid(pid);
            line.append("pgrep -s ").append(pid).append(" >/dev/null 2>&1 && echo ").append(pid).append("; ");
        }
        return line.append("exit 0").toString();
    }

    /** A job id as a process id above 1 ({@code kill -- -1} would signal every process the user may signal). */
    private static String checkedPid(String pid) {
        if (!pid.matches("[1-9]\\d*") || pid.equals("1")) {
            throw new IllegalArgumentException("'" + pid + "' is not the process id of a pvrun job");
        }
        return pid;
    }

    @Override
    public String elementId(String jobId, int index, int arraySize) {
        return jobId;
    }
}
