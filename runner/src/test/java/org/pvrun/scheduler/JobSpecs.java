package org.pvrun.scheduler;

import java.util.List;
import java.util.Map;

/** Small JobSpecs for tests that look at one aspect at a time. */
final class JobSpecs {
    private JobSpecs() {}

    static JobSpec plain(String runDir, String jobDir, Map<String, String> resources) {
        return new JobSpec("t", runDir, 1, resources, List.of(), Map.of(), "offscreen",
                List.of("pvbatch", "driver.py"), 1, 0, jobDir);
    }

    static JobSpec array(int size, int maxParallel) {
        return new JobSpec("t", "/r", 1, Map.of(), List.of(), Map.of(), "offscreen",
                List.of("pvbatch", "driver.py"), size, maxParallel, "/r/jobs");
    }
}
