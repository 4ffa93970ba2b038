package org.pvrun.spec;

import java.util.Set;

/**
 * One entry of a spec's {@code data:}: files already on the target, read where they are and never copied
 * (docs/spec.md#data). Resolved on the target before anything is submitted.
 *
 * @param path   an absolute path or glob, or one relative to the target's {@code data_root}; a folder is linked whole
 * @param as     the name of its link in each task folder (one file or folder only), or null for its base name
 * @param sha256 whether to record each matched file's SHA-256, computed on the target
 * @param where  the entry in the spec, for messages
 */
public record DataRef(String path, String as, boolean sha256, Located where) {
    /** Names a data link may not take in a task folder: pvrun's own file there, and what is no file name. */
    public static final Set<String> RESERVED_NAMES = Set.of("params.json", ".", "..");

    /** Whether the path has glob characters: the shell on the target expands it. */
    public boolean isGlob() {
        return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
    }
}
