package org.pvrun.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.pvrun.PvrunException;
import org.pvrun.report.Baselines;
import org.pvrun.results.ManifestIO;
import org.pvrun.results.Pruning;
import org.pvrun.spec.Target;
import org.pvrun.connect.Connection;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalFiles;
import org.pvrun.transport.Transport;
import org.pvrun.connect.Transports;

/**
 * {@code pvrun prune}: finds the runs pvrun knows (the run index, and run directories under a results folder),
 * lets {@link Pruning} decide, and removes what it chose: each run's directory on its target first (so that a
 * target that cannot be reached leaves the local run, the only record of where its files are), then its local
 * results and its index entry. Never a folder holding a baseline; never anything but a run directory.
 */
public final class Pruner {
    /** A run found, with what removing it touches. */
    public record Found(Pruning.Run run, Path runDir, String targetName, Target target, String remoteDir, long bytes) {
        /** Where its files on the target are, or null when it has none apart from its local results. */
        public String remoteLabel() {
            return remoteDir == null ? null : targetName + ":" + remoteDir;
        }
    }

    /** What was (or, in a dry run, would be) removed. */
    public record Outcome(List<Found> removed, List<Found> kept, List<String> failures) {}

    private final StateDir state;
    private final Map<String, String> env;
    private final PrintStream notes;

    public Pruner(Map<String, String> env, PrintStream notes) {
        this.state = new StateDir(env);
        this.env = env;
        this.notes = notes;
    }

    /**
     * The runs to judge: every indexed run (of {@code pipeline}, under {@code resultsDir}, when given) and the run
     * directories under {@code resultsDir} that the index does not know.
     */
    public List<Found> find(Path resultsDir, String pipeline) throws IOException {
        Map<Path, Path> dirs = new LinkedHashMap<>();
        for (StateDir.Entry e : state.list()) {
            Path d = Path.of(e.runDir()).toAbsolutePath().normalize();
            dirs.put(d, d);
        }
        if (resultsDir != null && Files.isDirectory(resultsDir)) {
            try (Stream<Path> pipelines = Files.list(resultsDir)) {
                for (Path p : pipelines.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> runs = Files.list(p)) {
                        runs.filter(Pruner::isRunDir).map(r -> r.toAbsolutePath().normalize()).forEach(r -> dirs.put(r, r));
                    }
                }
            }
        }
        Path under = resultsDir == null ? null : resultsDir.toAbsolutePath().normalize();
        List<Found> out = new ArrayList<>();
        for (Path d : dirs.keySet()) {
            if ((under != null && !d.startsWith(under)) || !isRunDir(d) || Files.exists(d.resolve(Baselines.INFO_FILE))) {
                continue;
            }
            Found f = describe(d);
            if (f != null && (pipeline == null || pipeline.equals(f.run().pipeline()))) {
                out.add(f);
            }
        }
        return out;
    }

    static boolean isRunDir(Path d) {
        return Files.isDirectory(d) && (Files.exists(d.resolve(RunRecord.FILE)) || Files.exists(d.resolve(ManifestIO.FILE)));
    }

    private static Found describe(Path d) throws IOException {
        String runId = d.getFileName().toString();
        String pipeline = d.getParent().getFileName().toString();
        boolean ended = Files.exists(d.resolve(ManifestIO.FILE));
        String targetName = "local";
        Target target = null;
        String remote = null;
        Instant recordedStart = null;
        if (RunRecord.exists(d)) {
            RunRecord r;
            try {
                r = RunRecord.read(d);
            } catch (IOException damaged) {
                return null; // not a run pvrun can account for: left alone
            }
            pipeline = r.pipeline();
            if (runId.equals(r.runId()) && r.started() != null) {
                try {
                    recordedStart = Instant.parse(r.started());
                } catch (java.time.format.DateTimeParseException unreadable) {
                    // the id's time will do
                }
            }
            ended = ended || RunRecord.CANCELLED.equals(r.state()); // cancelled: its jobs are gone
            targetName = r.target().name();
            target = r.target().toTarget();
            // files of the run outside its local directory: on a remote target, or in a local target's workdir
            if (r.remoteDir() != null && !Path.of(r.remoteDir()).normalize().startsWith(d)
                    && r.remoteDir().endsWith("/" + r.pipeline() + "/" + r.runId())) {
                remote = r.remoteDir();
            }
        }
        // the record's start (milliseconds: runs of one second apart are told apart), else the time in the id
        Instant created = recordedStart;
        if (created == null) {
            created = Pruning.createdFromId(runId);
        }
        if (created == null) {
            created = Files.getLastModifiedTime(d).toInstant();
        }
        return new Found(new Pruning.Run(pipeline, runId, created, ended), d, targetName, target, remote, size(d));
    }

    private static long size(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * Decides and, unless {@code dryRun}, removes. With {@code remoteOnly} only the runs' directories on their
     * targets go; the local results stay.
     */
    public Outcome prune(List<Found> found, Pruning.Rules rules, Instant now, boolean remoteOnly, boolean acceptNewHostKey,
            boolean dryRun) throws InterruptedException {
        Map<Pruning.Run, Found> byRun = new LinkedHashMap<>();
        found.forEach(f -> byRun.put(f.run(), f));
        List<Found> chosen = new ArrayList<>();
        List<Found> kept = new ArrayList<>();
        for (Pruning.Decision d : Pruning.decide(List.copyOf(byRun.keySet()), rules, now)) {
            Found f = byRun.get(d.run());
            if (d.remove() && (!remoteOnly || f.remoteDir() != null)) {
                chosen.add(f);
            } else {
                kept.add(f);
            }
        }
        if (dryRun) {
            return new Outcome(chosen, kept, List.of());
        }
        List<Found> removed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, List<Found>> byTarget = new LinkedHashMap<>();
        for (Found f : chosen) {
            byTarget.computeIfAbsent(f.remoteDir() == null ? "" : f.targetName(), k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<String, List<Found>> e : byTarget.entrySet()) {
            Set<Found> gone = new LinkedHashSet<>(e.getValue());
            if (!e.getKey().isEmpty()) {
                gone = removeOnTarget(e.getValue(), acceptNewHostKey, failures);
            }
            for (Found f : gone) {
                if (!remoteOnly) {
                    if (!LocalFiles.deleteTree(f.runDir(), Duration.ofSeconds(3))) {
                        failures.add("cannot remove " + f.runDir());
                        continue;
                    }
                    try {
                        state.remove(f.run().runId());
                    } catch (IOException io) {
                        failures.add("removed " + f.runDir() + " but not its entry in the run index: " + io.getMessage());
                    }
                }
                removed.add(f);
            }
        }
        return new Outcome(removed, kept, failures);
    }

    /** Removes the runs' directories on one target through one connection; returns those that are gone. */
    private Set<Found> removeOnTarget(List<Found> runs, boolean acceptNewHostKey, List<String> failures)
            throws InterruptedException {
        Set<Found> gone = new LinkedHashSet<>();
        Found first = runs.get(0);
        try (Connection c = Transports.connect(first.target(), acceptNewHostKey, env, notes)) {
            Transport t = c.transport();
            for (Found f : runs) {
                ExecResult r = t.exec(List.of("rm", "-rf", "--", f.remoteDir()), Duration.ofMinutes(10));
                if (r.ok()) {
                    gone.add(f);
                } else {
                    failures.add("cannot remove " + f.remoteLabel() + " (kept " + f.runDir() + "):\n" + r.evidence());
                }
            }
        } catch (IOException | PvrunException e) {
            failures.add("cannot reach target " + first.targetName() + " (kept its " + runs.size() + " run"
                    + (runs.size() == 1 ? "" : "s") + " here, so they can be pruned later): " + e.getMessage());
        }
        return gone;
    }
}
