package org.pvrun.job;

import java.util.Map;

import org.pvrun.scheduler.JobState;

/**
 * What one status query said of a round's jobs (job index → state; a job the queue forgot is absent), with the
 * scheduler's reason for each job still pending where it gives one (job index → {@code Priority},
 * {@code Resources}) and its own words for how each ended job ended where they say more than the state
 * ({@code NODE_FAIL on node2}), or that the query itself failed: then no job's absence means anything this poll.
 */
public record QueueAnswer(boolean answered, Map<Integer, JobState> states, Map<Integer, String> reasons,
        Map<Integer, String> details) {
    public QueueAnswer {
        states = Map.copyOf(states);
        reasons = Map.copyOf(reasons);
        details = Map.copyOf(details);
    }

    public QueueAnswer(boolean answered, Map<Integer, JobState> states, Map<Integer, String> reasons) {
        this(answered, states, reasons, Map.of());
    }

    /** With the scheduler's own words for how ended jobs ended (job index → {@code NODE_FAIL on node2}). */
    public static QueueAnswer of(Map<Integer, JobState> states, Map<Integer, String> reasons, Map<Integer, String> details) {
        return new QueueAnswer(true, states, reasons, details);
    }

    /** The scheduler's words for how job {@code job} ended, or null. */
    public String detail(int job) {
        return details.get(job);
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
