package org.pvrun.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.StateData;
import org.pvrun.spec.StateFile;
import org.pvrun.spec.StateSpec;

/**
 * The starter spec {@code pvrun init --state FILE.pvsm} writes (docs/state-files.md#init): the state and each
 * data file it names, listed as an input where it is found on this machine (where the state says, or beside the
 * state file), and as a note to fill in where it is not.
 */
final class StateStarter {
    private StateStarter() {}

    /** Where each data file is on this machine: its own path, else its base name beside the state; absent if neither. */
    static Map<String, Path> find(StateFile state, Path stateFile) {
        Map<String, Path> found = new LinkedHashMap<>();
        for (String p : state.dataFiles()) {
            Path own = ownPath(p);
            Path beside = stateFile.toAbsolutePath().normalize().resolveSibling(StateData.baseName(p));
            if (own != null && Files.isRegularFile(own)) {
                found.put(p, own);
            } else if (Files.isRegularFile(beside)) {
                found.put(p, beside);
            }
        }
        return found;
    }

    private static Path ownPath(String p) {
        try {
            return Path.of(p).isAbsolute() ? Path.of(p).normalize() : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null; // a Windows path on Linux
        }
    }

    /**
     * The spec's {@code input_root:} and {@code inputs:} lines for the files found (paths relative to the spec's
     * folder {@code dir}) and a comment for each that is not.
     */
    static String inputs(StateFile state, Map<String, Path> found, Path dir) {
        Path base = dir.toAbsolutePath().normalize();
        Path root = base;
        for (Path f : found.values()) {
            while (!f.startsWith(root)) {
                root = root.getParent();
            }
        }
        StringBuilder b = new StringBuilder();
        if (!root.equals(base)) {
            b.append("input_root: ").append(quote(base.relativize(root).toString()))
                    .append("   # the inputs are outside this folder\n");
        }
        List<String> missing = new ArrayList<>();
        b.append(found.isEmpty() ? "inputs: []" : "inputs:").append("   # the state's data files; each is matched by "
                + "its base name\n");
        for (String p : state.dataFiles()) {
            if (found.containsKey(p)) {
                b.append("  - ").append(quote(base.relativize(found.get(p)).toString())).append('\n');
            } else {
                missing.add(p);
            }
        }
        for (String p : missing) {
            b.append("  # not found here: ").append(quote(p)).append(": add it to inputs:, or to data: when it is on "
                    + "the target already\n");
        }
        return b.toString();
    }

    /** The images a run writes, as the docs name them. */
    static String images(StateFile state) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < state.views().size(); i++) {
            names.add("view-" + i + ".png (" + state.views().get(i) + ")");
        }
        return names.isEmpty() ? "no image (the state has no view)" : String.join(", ", names)
                + (state.layouts().isEmpty() ? "" : "; with views: " + StateSpec.LAYOUT + ", layout-0.png");
    }

    /** A YAML double-quoted scalar (JSON's string syntax is YAML's). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
