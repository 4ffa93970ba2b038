package org.pvrun.spec;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/** Output globs: relative to the task directory, never absolute, never leading out of it. */
public final class OutputGlobs {
    private final List<PathMatcher> matchers;

    public OutputGlobs(List<String> globs) {
        this.matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    }

    /** True when a relative path (with '/' separators) is an output; no globs means everything is. */
    public boolean matches(Path relative) {
        return matchers.isEmpty() || matchers.stream().anyMatch(m -> m.matches(relative));
    }

    /** What is wrong with an output glob, or null. */
    public static String problem(String glob) {
        if (glob.isBlank()) {
            return "empty output glob";
        }
        if (glob.startsWith("/") || glob.startsWith("~")) {
            return "output glob '" + glob + "' is absolute; outputs are relative to the task directory";
        }
        for (String part : glob.split("/")) {
            if (part.equals("..")) {
                return "output glob '" + glob + "' leads out of the task directory ('..')";
            }
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            return "bad output glob '" + glob + "': " + e.getMessage();
        }
        return null;
    }
}
