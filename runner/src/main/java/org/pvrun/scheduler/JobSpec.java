package org.pvrun.scheduler;

import java.util.List;
import java.util.Map;

/**
 * Everything a batch job script needs, already decided by the planner. Values are raw (unquoted):
 * the template renderer quotes each one with {@link org.pvrun.util.Shell}.
 *
 * @param jobName     scheduler job name (already restricted to [A-Za-z0-9._-])
 * @param runDir      absolute run directory on the target; the job cds there
 * @param ranks       MPI ranks for pvbatch
 * @param resources   scheduler resources: partition, account, time (HH:MM:SS), memory, nodes, qos, ...
 * @param setup       shell lines run verbatim before pvbatch (the user's own shell, e.g. "module load ...")
 * @param environment variables exported before launch (names are [A-Za-z_][A-Za-z0-9_]*)
 * @param display     offscreen | xvfb | egl | auto
 * @param launch      the complete launch argument list, e.g. [srun, -n, 2, pvbatch, ..., driver.py, job.json]
 * @param arraySize   number of array elements (1 = a plain job, no array directive)
 * @param maxParallel at most this many array elements at once (0 = no limit)
 * @param jobDir      absolute directory for the job's own files on the target: the job writes its stdout and
 *                    stderr to {@code jobDir/job-<I>.out} and, after its outputs, its launch exit status to
 *                    {@code jobDir/job-<I>.exit} (written to a temporary name, then renamed), where I is the
 *                    array index (0 for a plain job) plus {@code arrayOffset}; the job exports it as
 *                    PVRUN_ARRAY_INDEX
 * @param arrayOffset the round's index of this array's first element, when a round larger than the scheduler's
 *                    array limit is split into several arrays ({@link org.pvrun.plan.ArraySplit}); 0 otherwise
 * @param stopSignalSeconds how long before the wall time ({@code time} resource) the scheduler signals the job
 *                    (SIGUSR1), which the job script passes on to pvbatch: a split animation task then stops
 *                    after its frame and pvrun submits the rest; 0 for no signal
 */
public record JobSpec(
        String jobName,
        String runDir,
        int ranks,
        Map<String, String> resources,
        List<String> setup,
        Map<String, String> environment,
        String display,
        List<String> launch,
        int arraySize,
        int maxParallel,
        String jobDir,
        int arrayOffset,
        int stopSignalSeconds) {

    /** A job of a round that is one array (or no array): offset 0. */
    public JobSpec(String jobName, String runDir, int ranks, Map<String, String> resources, List<String> setup,
            Map<String, String> environment, String display, List<String> launch, int arraySize, int maxParallel,
            String jobDir) {
        this(jobName, runDir, ranks, resources, setup, environment, display, launch, arraySize, maxParallel, jobDir, 0, 0);
    }

    /** This job as array {@code size} elements long starting at the round's job {@code offset}. */
    public JobSpec asArray(int offset, int size, int maxParallel) {
        return new JobSpec(jobName, runDir, ranks, resources, setup, environment, display, launch, size, maxParallel,
                jobDir, offset, stopSignalSeconds);
    }

    /** This job signalled {@code seconds} before its wall time (see {@code stopSignalSeconds}). */
    public JobSpec withStopSignal(int seconds) {
        return new JobSpec(jobName, runDir, ranks, resources, setup, environment, display, launch, arraySize,
                maxParallel, jobDir, arrayOffset, seconds);
    }
}
