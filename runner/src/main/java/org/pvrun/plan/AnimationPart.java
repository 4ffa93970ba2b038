package org.pvrun.plan;

/** Which window of a split animation a task renders: part {@code part} of {@code parts} (docs/animations.md). */
public record AnimationPart(int part, int parts) {}
