package org.pvrun.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pvrun.results.ManifestIO;
import org.pvrun.run.RunResult;
import picocli.CommandLine.Option;

/** {@code --json}: the command's answer for programs, on stdout; everything else goes to stderr. */
final class JsonOption {
    @Option(names = "--json", description = "Print the answer as JSON on stdout, and messages on stderr (docs/cli.md#json).")
    boolean json;

    /**
     * A run's answer: its manifest plus {@code run_dir}; for a run that goes on (--detach), {@code status: running},
     * {@code run_id} and {@code run_dir}.
     */
    static ObjectNode of(RunResult r) {
        ObjectNode node = r.manifest() != null ? (ObjectNode) ManifestIO.JSON.valueToTree(r.manifest())
                : ManifestIO.JSON.createObjectNode().put("status", "running");
        node.put("run_dir", r.runDir().toString());
        if (r.manifest() == null) {
            node.put("run_id", r.runDir().getFileName().toString());
        }
        return node;
    }
}
