package org.pvrun.run;

import java.io.IOException;

import org.pvrun.job.QueueAnswer;
import org.pvrun.scheduler.JobState;
import org.pvrun.scheduler.NoScheduler;

/**
 * How a round's jobs are started, asked after and stopped: through a batch scheduler's queue
 * ({@link QueueTracker}) or, without one, as processes pvrun starts itself ({@link ProcessTracker}), as
 * Nextflow gives local tasks a handler of their own. The monitor, cancel and collect steps work through this
 * and never ask which scheduler they have.
 */
interface JobTracker {

    /** The tracker for the session's scheduler: the one place that tells the two kinds apart. */
    static JobTracker of(Session s) {
        return s.scheduler instanceof NoScheduler none ? new ProcessTracker(s, none) : new QueueTracker(s);
    }

    /** Submits (or starts) the jobs of a round just recorded; records their ids. */
    void submit(RunRecord.Round round, int tasks) throws IOException, InterruptedException;

    /** After a restart: finds a submission whose answer was lost, or submits the round now. */
    void adopt() throws IOException, InterruptedException;

    /**
     * Shell lines for the one command a poll runs in the round's job folder (after the exit files are read),
     * printing {@code A job-N.pid} for each job whose process lives; empty for a scheduler that answers itself.
     */
    String pollLines();

    /** Whether job {@code j} of the round was started (has an id): one not started yet is not missing. */
    boolean started(RunRecord.Round round, int j);

    /** One status query for the whole round. */
    QueueAnswer ask(RunRecord.Round round, JobFiles files) throws IOException, InterruptedException;

    /** Starts jobs waiting for a free slot (without a scheduler); nothing with one. */
    void keepGoing(RunRecord.Round round, JobFiles files) throws IOException, InterruptedException;

    /** What the scheduler's accounting remembers of the round's job the queue forgot, or null. */
    JobState history(RunRecord.Round round) throws IOException, InterruptedException;

    /** The name of job {@code j} in messages and the manifest (its array element or process id). */
    String elementName(RunRecord.Round round, int j);

    /** Whether a round recorded without ids may still have been submitted (a lost answer), as resume says. */
    boolean mayHaveSubmitted();

    /**
     * Ends the round's started jobs; returns what the scheduler (or the process table) says of them
     * afterwards, for the one line pvrun prints.
     */
    Cancelling.Outcome cancel(RunRecord.Round round) throws IOException, InterruptedException;
}
