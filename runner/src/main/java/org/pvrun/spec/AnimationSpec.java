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
 * @param framesPerTask instead of {@code split}: each task renders this many frames (0: windows by {@code split});
 *                      the task count comes from the frame count, found by a count run before the jobs are queued
 * @param count this is the count run: each task only finds its animation's frame count (docs/animations.md)
 */
public record AnimationSpec(int split, Movie movie, int requeue, int stopBeforeEndSeconds, String times, int framesPerTask,
        boolean count) {
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

    public AnimationSpec(int split, Movie movie, int requeue, int stopBeforeEndSeconds, String times) {
        this(split, movie, requeue, stopBeforeEndSeconds, times, 0, false);
    }

    /** With {@code frames_per_task:} the task count is known only once the frames are counted. */
    public boolean needsCount() {
        return framesPerTask > 0 && !count;
    }

    /** The same animation, its frames counted: {@code split} windows of {@code framesPerTask} (the last shorter). */
    public AnimationSpec counted(int parts) {
        return new AnimationSpec(parts, movie, requeue, stopBeforeEndSeconds, times, framesPerTask, false);
    }

    /** The count run's animation: one task a point, which only counts the frames. */
    public AnimationSpec counting() {
        return new AnimationSpec(1, null, 0, stopBeforeEndSeconds, times, 0, true);
    }

    /** The movie: a file name in the run directory ({@code .mp4} or {@code .webm}) and its frame rate. */
    public record Movie(String file, int fps) {}
}
