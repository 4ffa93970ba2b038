package org.pvrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.job.TaskStatus;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.run.RunRecord;
import org.pvrun.run.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pvrun list}: the recorded runs, newest first, from local records only (no connection). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List recorded runs, newest first (from local records; 'pvrun status RUN' asks the target).")
public final class ListCommand extends PvrunSubcommand {
    @Mixin
    JsonOption json;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20", description = "At most N runs (default 20).")
    int limit;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw PvrunException.invalid("--limit must be at least 1, got " + limit);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<StateDir.Entry> all = new StateDir(parent.env).list();
        for (StateDir.Entry e : all) {
            if (rows.size() >= limit) {
                break;
            }
            Path dir = Path.of(e.runDir());
            String status;
            int tasks = 0;
            if (Files.exists(dir.resolve(ManifestIO.FILE))) {
                try {
                    Manifest m = ManifestIO.read(dir.resolve(ManifestIO.FILE));
                    status = m.status();
                    tasks = m.tasks().size();
                } catch (IOException damaged) {
                    status = "unreadable manifest.json"; // one damaged run does not hide the others
                }
            } else if (RunRecord.exists(dir)) {
                RunRecord r = RunRecord.read(dir);
                status = RunRecord.CANCELLED.equals(r.state()) ? TaskStatus.CANCELLED.word() : "running (or not fetched)";
                tasks = r.tasks().size();
            } else {
                status = "unknown";
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run_id", e.runId());
            row.put("pipeline", e.pipeline());
            row.put("target", e.target());
            row.put("status", status);
            row.put("tasks", tasks);
            row.put("run_dir", e.runDir());
            rows.add(row);
        }
        if (json.json) {
            printJson(rows);
        } else if (rows.isEmpty()) {
            parent.out.println("no runs recorded yet");
        } else {
            for (Map<String, Object> r : rows) {
                parent.out.printf("%-24s %-20s %-14s %4s task(s)  %s%n", r.get("run_id"), r.get("pipeline"), r.get("target"),
                        r.get("tasks"), r.get("status"));
            }
            if (all.size() > rows.size()) {
                int older = all.size() - rows.size();
                parent.out.printf("... and %d older run%s (pvrun list -n %d shows all)%n", older, older == 1 ? "" : "s",
                        all.size());
            }
        }
        return ExitCode.OK;
    }
}
