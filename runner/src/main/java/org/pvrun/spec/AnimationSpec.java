package org.pvrun.spec;

/**
 * A spec's {@code animation:} (docs/animations.md): the script's {@code SaveAnimation} split into {@code split}
 * windows of frames, one task each, and the frames encoded into a movie once collected.
 *
 * @param split how many tasks share the animation's frames (each a contiguous window)
 * @param movie the movie to encode from every task's frames, or null for frames only
 */
public record AnimationSpec(int split, Movie movie) {
    /** The movie: a file name in the run directory ({@code .mp4} or {@code .webm}) and its frame rate. */
    public record Movie(String file, int fps) {}
}
