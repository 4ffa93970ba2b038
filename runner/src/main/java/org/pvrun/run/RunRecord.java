package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.pvrun.results.ManifestIO;

/**
 * What a process needs to find a submitted run again: written into the local run directory as
 * {@code run.json} as soon as the job is submitted, before pvrun waits for it.
 */
public record RunRecord(String runId, String pipeline, String target, String scheduler, String remoteDir,
        List<String> jobIds, String submitted) {
    public static final String FILE = "run.json";

    public static void write(Path runDir, RunRecord r) throws IOException {
        ManifestIO.writeAtomically(runDir.resolve(FILE), ManifestIO.JSON.writeValueAsBytes(r));
    }

    public static RunRecord read(Path runDir) throws IOException {
        return ManifestIO.JSON.readValue(runDir.resolve(FILE).toFile(), RunRecord.class);
    }
}
