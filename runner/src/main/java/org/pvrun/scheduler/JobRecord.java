package org.pvrun.scheduler;

/**
 * What a scheduler's records (Slurm accounting, {@code scontrol show job}) say about one job or array
 * element after the queue has let go of it. The exit file written by the job script stays the verdict;
 * this is the fallback evidence when that file is missing.
 *
 * @param state      the job's state
 * @param exitStatus the batch script's exit status as the scheduler saw it
 * @param signal     the signal that ended it, 0 if none
 */
public record JobRecord(JobState state, int exitStatus, int signal) {
}
