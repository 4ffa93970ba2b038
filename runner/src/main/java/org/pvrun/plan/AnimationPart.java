package org.pvrun.plan;

/**
 * Which window of a split animation a task renders (docs/animations.md): part {@code part} of {@code parts}, the
 * frames shared evenly, or with {@code framesPerTask} above 0 frames {@code [part × framesPerTask, (part + 1) ×
 * framesPerTask)}; with {@code count}, the task only counts the frames (the count run of {@code frames_per_task:}).
 */
public record AnimationPart(int part, int parts, int framesPerTask, boolean count) {
    public AnimationPart(int part, int parts) {
        this(part, parts, 0, false);
    }
}
