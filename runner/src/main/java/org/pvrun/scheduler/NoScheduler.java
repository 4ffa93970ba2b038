package org.pvrun.scheduler;

import java.util.Collection;
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
 *   <li>There is no status query ({@link #statusCommand} and {@link #parseStatus} throw
 *       UnsupportedOperationException). The job is over when {@code jobDir/job-0.exit} exists; it died
 *       without a verdict (killed, machine rebooted) when the pid in {@code jobDir/job-0.pid} is gone
 *       (e.g. {@code kill -0 PID} fails) and there is still no exit file.</li>
 *   <li>The script writes {@code job-0.pid} and {@code job-0.out} itself, so the jobDir must exist
 *       before submission (as for every scheduler).</li>
 * </ul>
 */
public final class NoScheduler implements Scheduler {

    @Override
    public String name() {
        return "none";
    }

    /** A plain job only (arraySize 1); resources are ignored, as there is no one to ask for them. */
    @Override
    public String renderJobScript(JobSpec job) {
        if (job.arraySize() != 1) {
            throw new IllegalArgumentException("scheduler none runs plain jobs only, got arraySize "
                    + job.arraySize());
        }
        Map<String, Object> view = JobScripts.commonView(job, "0");
        return JobScripts.render("none.sh.mustache", view);
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
                    + SlurmScheduler.indent(submitStdout));
        }
        return pid;
    }

    @Override
    public List<String> statusCommand(Collection<String> jobIds) {
        throw new UnsupportedOperationException("scheduler none has no status query: read job-0.exit and job-0.pid");
    }

    @Override
    public Map<String, JobState> parseStatus(String statusStdout) {
        throw new UnsupportedOperationException("scheduler none has no status query: read job-0.exit and job-0.pid");
    }

    /**
     * SIGTERM to each job's whole process group (the script, mpiexec, pvbatch and Xvfb alike), as
     * {@code sh -c 'kill -s TERM -- -PID ...'}: the POSIX form, which dash's and bash's built-in kill accept
     * while procps' /usr/bin/kill rejects it, and procps' {@code -TERM -- -PID} is in turn rejected by dash;
     * so the shell's built-in is always the one used. Ids must be process ids above 1: {@code kill -- -1}
     * would signal every process the user may signal.
     */
    @Override
    public List<String> cancelCommand(Collection<String> jobIds) {
        StringBuilder line = new StringBuilder("kill -s TERM --");
        for (String pid : jobIds) {
            if (!pid.matches("[1-9]\\d*") || pid.equals("1")) {
                throw new IllegalArgumentException("'" + pid + "' is not the process id of a pvrun job");
            }
            line.append(" -").append(pid);
        }
        return List.of("sh", "-c", line.toString());
    }

    @Override
    public String elementId(String jobId, int index, int arraySize) {
        return jobId;
    }
}
