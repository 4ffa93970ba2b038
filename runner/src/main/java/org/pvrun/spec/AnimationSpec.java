package org.pvrun.spec;

/**
 * A spec's {@code animation:} (docs/animations.md): the script's {@code SaveAnimation} split into {@code split}
 * windows of frames, one task each, and the frames encoded into a movie once collected.
 *
 * @param split how many tasks share the animation's frames (each a contiguous window)
 * @param movie the movie to encode from every task's frames, or null for frames only
 * @param requeue how many times a task stopped at its job's wall time has its remaining frames submitted again
 * @param stopBeforeEndSeconds how long before the job's wall time the scheduler signals it (the frame being
 *                             rendered then is the task's last)
 * @param times {@code all}: the script's own {@code SaveScreenshot}, called once per time step, is split instead of
 *              its {@code SaveAnimation}; null otherwise
 */
public record AnimationSpec(int split, Movie movie, int requeue, int stopBeforeEndSeconds, String times) {
    public static final int DEFAULT_REQUEUE = 1;
    public static final int DEFAULT_STOP_BEFORE_END = 60;

    /** The only value of {@code times:}: every time step, one {@code SaveScreenshot} call each. */
    public static final String TIMES_ALL = "all";

    public AnimationSpec(int split, Movie movie) {
        this(split, movie, DEFAULT_REQUEUE, DEFAULT_STOP_BEFORE_END, null);
    }

    public AnimationSpec(int split, Movie movie, int requeue, int stopBeforeEndSeconds) {
        this(split, movie, requeue, stopBeforeEndSeconds, null);
    }

    /** The movie: a file name in the run directory ({@code .mp4} or {@code .webm}) and its frame rate. */
    public record Movie(String file, int fps) {}
}
