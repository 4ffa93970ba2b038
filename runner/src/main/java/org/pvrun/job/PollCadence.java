package org.pvrun.job;

import java.time.Duration;

/**
 * How often a round of jobs is looked at. The scheduler is asked at most once per {@code interval}, however
 * many jobs and however much news. The job files are read more often while the round is young, an eighth of its
 * age but at least {@link #FIRST} (so 0.25, 0.25, ... then growing to the interval, as submitit's watcher reads
 * young jobs sooner): a short job is not followed by most of a poll interval of waiting. A watched target
 * (inotify on this machine; on a remote host a command there that waits for the jobs' exit files) wakes the monitor
 * itself when a file appears, so it just waits for the interval.
 */
public record PollCadence(Duration interval) {
    /** The shortest wait between two reads of the job files. */
    public static final Duration FIRST = Duration.ofMillis(250);

    public PollCadence {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, got " + interval);
        }
    }

    /** How long to wait before reading the files again, for a round {@code age} old. */
    public Duration nap(Duration age, boolean watched) {
        if (watched) {
            return interval;
        }
        Duration young = age.dividedBy(8);
        if (young.compareTo(FIRST) < 0) {
            young = FIRST;
        }
        return young.compareTo(interval) < 0 ? young : interval;
    }
}
