package org.pvrun.scheduler;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A batch scheduler as pure functions: it builds scripts and commands and parses their output, and does
 * no I/O. The engine runs the commands through a {@link org.pvrun.transport.Transport}.
 */
public interface Scheduler {

    /** "slurm", "pbs", "sge" or "none". */
    String name();

    /** The job script for a job, rendered from this scheduler's template. */
    String renderJobScript(JobSpec job);

    /** The submit command for a job script already on the target. */
    List<String> submitCommand(String jobScriptPath);

    /** The job id from the submit command's standard output. */
    String parseJobId(String submitStdout);

    /** One status query for all the given jobs (never one query per job). */
    List<String> statusCommand(Collection<String> jobIds);

    /**
     * Parses the status query's output into a state per job id as it appears in the output (array elements
     * as {@code 12_3} / {@code 12[3]}); a job the queue has forgotten is simply absent.
     */
    Map<String, JobState> parseStatus(String statusStdout);

    /**
     * Whether the status query's output is a queue at all (maybe an empty one) rather than something else printed
     * in its place (a broken wrapper, a message on stdout): a job absent from output that is no queue has not left
     * it. Schedulers whose parser refuses such output with an exception need not override this.
     */
    default boolean isQueue(String statusStdout) {
        return true;
    }

    /**
     * The scheduler's reason why each pending job in the status query's output still waits (job id as in
     * {@link #parseStatus} → a short word such as {@code Priority} or {@code Resources}); empty where the query
     * carries none.
     */
    default Map<String, String> parsePendingReasons(String statusStdout) {
        return Map.of();
    }

    /**
     * The scheduler's own words for how each ended job in the status query's output ended, where they say
     * more than {@link JobState} (job id → {@code NODE_FAIL on node2}); empty where the query carries none.
     */
    default Map<String, String> parseEndDetails(String statusStdout) {
        return Map.of();
    }

    /**
     * Whether the scheduler ends a job at its wall time ({@code time} resource); when not, the launch line
     * enforces the spec's timeout itself.
     */
    default boolean enforcesWallTime() {
        return true;
    }

    /**
     * Whether the scheduler can signal a job (SIGUSR1) a while before its wall time: Slurm's {@code --signal},
     * Grid Engine's soft limit {@code s_rt} (see JobSpec.stopSignalSeconds).
     */
    default boolean signalsBeforeWallTime() {
        return false;
    }

    /**
     * Whether one submission starts all of a round's jobs as an array (one job id; elements by
     * {@link #elementId}); when not, each job is started on its own and has an id of its own.
     */
    default boolean runsArrays() {
        return true;
    }

    /**
     * A query for the largest array the scheduler accepts (Slurm's {@code MaxArraySize}, Grid Engine's
     * {@code max_aj_tasks}), or null when it has none pvrun reads.
     */
    default List<String> arrayLimitCommand() {
        return null;
    }

    /**
     * How many jobs one array may hold, from the limit query's output; 0 for no limit. A round with more jobs
     * is split into several arrays ({@link org.pvrun.plan.ArraySplit}).
     *
     * @throws IllegalArgumentException when the output does not name the limit
     */
    default int parseArrayLimit(String stdout) {
        return 0;
    }

    /** The cancel command for the given jobs. */
    List<String> cancelCommand(Collection<String> jobIds);

    /**
     * The id under which {@link #parseStatus} reports array element {@code index} of a submitted job
     * ({@code 12_3} for Slurm, {@code 12[3].server} for PBS); the job id itself when {@code arraySize} is 1.
     */
    String elementId(String jobId, int index, int arraySize);

    /**
     * A query for jobs the queue has forgotten (Slurm's {@code sacct}, where accounting is on), or null when
     * the scheduler has none beyond its status query (PBS's status query already includes finished jobs).
     */
    default List<String> historyCommand(Collection<String> jobIds) {
        return null;
    }

    /** Parses the history query's output (job id → record); empty when it says nothing. */
    default Map<String, JobRecord> parseHistory(String stdout) {
        return Map.of();
    }

    /**
     * A query that lists the user's jobs with the job script each runs, to find out whether a submission whose
     * answer was lost (the connection dropped) went through; null when the scheduler has none.
     */
    default List<String> jobScriptsCommand() {
        return null;
    }

    /** The id of the job that runs {@code script}, from the output of {@link #jobScriptsCommand}, or null. */
    default String parseJobScripts(String stdout, String script) {
        return null;
    }
}
