package org.pvrun.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.FileUtils;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.results.Pruning;
import org.pvrun.run.Pruner;
import org.pvrun.spec.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pvrun prune}: removes old runs, here and on their targets (docs/nightly.md#pruning). */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Remove old runs: their results here, their directories on the target and their entries in the "
            + "run index. A run goes only when every rule given lets it go; runs that have not ended and baselines are "
            + "never removed."},
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun prune --keep 7 --dry-run     what would go if the 7 newest of each stay",
            "  pvrun prune --older-than 30d       every run older than 30 days",
            "  pvrun prune --keep 3 --remote-only free the targets, keep every result here"})
public final class PruneCommand extends PvrunSubcommand {
    @Option(names = "--keep", paramLabel = "N", description = "Keep the N newest runs of each pipeline.")
    Integer keep;

    @Option(names = "--older-than", paramLabel = "AGE", description = "Remove only runs older than AGE (30d, 12h, 90m).")
    String olderThan;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only the runs of this pipeline.")
    String pipeline;

    @Option(names = {"-o", "--results"}, paramLabel = "DIR",
            description = "Only runs under this results folder (also those the run index does not know).")
    Path results;

    @Option(names = "--remote-only", description = "Remove only the runs' directories on their targets; keep the results here.")
    boolean remoteOnly;

    @Option(names = "--dry-run", description = "List what would be removed, remove nothing.")
    boolean dryRun;

    @Mixin
    QuietOption quiet;

    @Mixin
    JsonOption json;

    @Mixin
    ConnectOptions connect;

    @Override
    public Integer call() throws Exception {
        Duration age = null;
        if (olderThan != null) {
            try {
                age = Durations.parse(olderThan);
            } catch (IllegalArgumentException e) {
                throw PvrunException.invalid("--older-than: " + e.getMessage());
            }
        }
        Pruning.Rules rules;
        try {
            rules = new Pruning.Rules(keep, age);
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid(e.getMessage());
        }
        Pruner pruner = new Pruner(parent.env, parent.err);
        List<Pruner.Found> found = pruner.find(results, pipeline);
        Pruner.Outcome out = pruner.prune(found, rules, Instant.now(), remoteOnly, connect.acceptNewHostKey, dryRun);
        if (json.json) {
            printJson(Map.of("dry_run", dryRun, "removed", out.removed().stream().map(PruneCommand::row).toList(),
                    "kept", out.kept().size(), "failures", out.failures()));
        } else if (!quiet.quiet || !out.failures().isEmpty()) {
            print(out);
        }
        return out.failures().isEmpty() ? ExitCode.OK : ExitCode.ENVIRONMENT;
    }

    private void print(Pruner.Outcome out) {
        String verb = dryRun ? "would remove" : "removed";
        if (!quiet.quiet) {
            for (Pruner.Found f : out.removed()) {
                List<String> where = new ArrayList<>();
                if (!remoteOnly) {
                    where.add(f.runDir() + " (" + FileUtils.byteCountToDisplaySize(f.bytes()) + ")");
                }
                if (f.remoteLabel() != null) {
                    where.add(f.remoteLabel());
                }
                parent.out.println(verb + " " + String.join(" and ", where));
            }
            long bytes = out.removed().stream().mapToLong(Pruner.Found::bytes).sum();
            long remote = out.removed().stream().filter(f -> f.remoteLabel() != null).count();
            parent.out.printf("pvrun: %s %d run%s (%s here, %d run director%s on targets); kept %d%n", verb,
                    out.removed().size(), out.removed().size() == 1 ? "" : "s",
                    remoteOnly ? "nothing" : FileUtils.byteCountToDisplaySize(bytes), remote, remote == 1 ? "y" : "ies",
                    out.kept().size());
        }
        for (String f : out.failures()) {
            parent.err.println("pvrun: " + f);
        }
    }

    private static Map<String, Object> row(Pruner.Found f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", f.run().runId());
        m.put("pipeline", f.run().pipeline());
        m.put("run_dir", f.runDir().toString());
        m.put("bytes", f.bytes());
        m.put("target", f.targetName());
        m.put("remote_dir", f.remoteDir());
        return m;
    }
}
