package org.pvrun.job;

import java.util.Map;

import org.pvrun.scheduler.JobState;

/**
 * What one status query said of a round's jobs (job index → state; a job the queue forgot is absent), or that
 * the query itself failed: then no job's absence means anything this poll.
 */
public record QueueAnswer(boolean answered, Map<Integer, JobState> states) {
    public QueueAnswer {
        states = Map.copyOf(states);
    }

    public static QueueAnswer of(Map<Integer, JobState> states) {
        return new QueueAnswer(true, states);
    }

    /** The query failed (an SSH hiccup, slurmctld busy) or was not asked yet: judge by the files alone. */
    public static QueueAnswer failed() {
        return new QueueAnswer(false, Map.of());
    }

    public JobState state(int job) {
        return states.get(job);
    }
}
