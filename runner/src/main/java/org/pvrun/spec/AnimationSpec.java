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
 */
public record AnimationSpec(int split, Movie movie, int requeue, int stopBeforeEndSeconds) {
    public static final int DEFAULT_REQUEUE = 1;
    public static final int DEFAULT_STOP_BEFORE_END = 60;

    public AnimationSpec(int split, Movie movie) {
        this(split, movie, DEFAULT_REQUEUE, DEFAULT_STOP_BEFORE_END);
    }

    /** The movie: a file name in the run directory ({@code .mp4} or {@code .webm}) and its frame rate. */
    public record Movie(String file, int fps) {}
}
