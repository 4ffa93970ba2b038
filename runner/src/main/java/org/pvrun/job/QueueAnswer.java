package org.pvrun.job;

import java.util.Map;

import org.pvrun.scheduler.JobState;

/**
 * What one status query said of a round's jobs (job index → state; a job the queue forgot is absent), with the
 * scheduler's reason for each job still pending where it gives one (job index → {@code Priority},
 * {@code Resources}), or that the query itself failed: then no job's absence means anything this poll.
 */
public record QueueAnswer(boolean answered, Map<Integer, JobState> states, Map<Integer, String> reasons) {
    public QueueAnswer {
        states = Map.copyOf(states);
        reasons = Map.copyOf(reasons);
    }

    public static QueueAnswer of(Map<Integer, JobState> states) {
        return new QueueAnswer(true, states, Map.of());
    }

    public static QueueAnswer of(Map<Integer, JobState> states, Map<Integer, String> reasons) {
        return new QueueAnswer(true, states, reasons);
    }

    /** The query failed (an SSH hiccup, slurmctld busy) or was not asked yet: judge by the files alone. */
    public static QueueAnswer failed() {
        return new QueueAnswer(false, Map.of(), Map.of());
    }

    public JobState state(int job) {
        return states.get(job);
    }
}
