package org.pvrun.plan;

import java.util.List;
import java.util.Map;

/**
 * One run of the script: its parameters and its command-line arguments after {param} substitution.
 *
 * @param index position in the run, 0-based; task directories and logs are named by it (0000, 0001, ...)
 */
public record Task(int index, Map<String, Object> params, List<String> argv) {
    public String id() {
        return String.format("%04d", index);
    }
}
