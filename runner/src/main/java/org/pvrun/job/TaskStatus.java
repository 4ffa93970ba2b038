package org.pvrun.job;

/**
 * A task's outcome as the manifest records it. The manifest keeps the lower-case word ({@link #word()}), which
 * docs/manifest.md documents and other tools read; code compares the enum.
 */
public enum TaskStatus {
    /** It wrote its verdict 0 and the outputs the spec names. */
    SUCCEEDED,
    /** It wrote another verdict, none at all, or not the outputs the spec names. */
    FAILED,
    /** The run was interrupted or cancelled before the task had its verdict. */
    CANCELLED;

    /** The word in the manifest and on the screen: {@code succeeded}, {@code failed}, {@code cancelled}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The status a manifest word names; an unknown word (a newer manifest) reads as FAILED, never as success. */
    public static TaskStatus of(String word) {
        for (TaskStatus s : values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        return FAILED;
    }

    /** Whether a manifest word means succeeded. */
    public static boolean succeeded(String word) {
        return of(word) == SUCCEEDED;
    }
}
