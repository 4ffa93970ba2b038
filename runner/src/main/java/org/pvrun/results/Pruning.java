package org.pvrun.results;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.Durations;

/**
 * Which runs {@code pvrun prune} removes (docs/nightly.md#pruning): pure, so the rules are a table test.
 * {@code keep} keeps the newest N runs of each pipeline, {@code olderThan} keeps every run younger than that;
 * a run goes only when every rule given lets it go. A run that has not ended (still running, or ended but never
 * collected) is always kept: its record is the only way back to its jobs and its files on the target.
 */
public final class Pruning {
    /** A run as prune sees it. */
    public record Run(String pipeline, String runId, Instant created, boolean ended) {}

    /** The rules; at least one of them is set. */
    public record Rules(Integer keep, Duration olderThan) {
        public Rules {
            if (keep == null && olderThan == null) {
                throw new IllegalArgumentException("say what to prune: --keep N, --older-than AGE, or both");
            }
            if (keep != null && keep < 0) {
                throw new IllegalArgumentException("--keep must be 0 or more, not " + keep);
            }
        }
    }

    /** What happens to one run, and why, in words for the listing. */
    public record Decision(Run run, boolean remove, String why) {}

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private Pruning() {}

    /** The decisions for every run, pipeline by pipeline, newest first within each. */
    public static List<Decision> decide(List<Run> runs, Rules rules, Instant now) {
        Map<String, List<Run>> byPipeline = new LinkedHashMap<>();
        runs.stream().sorted(Comparator.comparing(Run::pipeline))
                .forEach(r -> byPipeline.computeIfAbsent(r.pipeline(), k -> new ArrayList<>()).add(r));
        List<Decision> out = new ArrayList<>();
        for (List<Run> list : byPipeline.values()) {
            list.sort(Comparator.comparing(Run::created).thenComparing(Run::runId).reversed());
            for (int i = 0; i < list.size(); i++) {
                Run r = list.get(i);
                if (!r.ended()) {
                    out.add(new Decision(r, false, "not ended (running, or not yet collected: pvrun fetch " + r.runId() + ")"));
                } else if (rules.keep() != null && i < rules.keep()) {
                    out.add(new Decision(r, false, "one of the " + rules.keep() + " newest of " + r.pipeline()));
                } else if (rules.olderThan() != null && r.created().isAfter(now.minus(rules.olderThan()))) {
                    out.add(new Decision(r, false, "younger than " + Durations.human(rules.olderThan())));
                } else {
                    out.add(new Decision(r, true, rules.keep() != null && rules.olderThan() != null
                            ? "beyond the " + rules.keep() + " newest and older than " + Durations.human(rules.olderThan())
                            : rules.keep() != null ? "beyond the " + rules.keep() + " newest"
                            : "older than " + Durations.human(rules.olderThan())));
                }
            }
        }
        return out;
    }

    /** When a run was made, from its id (UTC, e.g. 20261126-051500-3fa2c1), or null for another name. */
    public static Instant createdFromId(String runId) {
        if (runId.length() < 15) {
            return null;
        }
        try {
            return LocalDateTime.parse(runId.substring(0, 15), RUN_ID_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
