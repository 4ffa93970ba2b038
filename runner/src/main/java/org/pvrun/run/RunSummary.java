package org.pvrun.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Ranges;
import org.pvrun.util.Sizes;

/**
 * What a finished run prints, as lines: a few whatever the run's size (docs/results.md#what-a-run-prints). Failed
 * tasks are grouped by identical reason and traceback, so six tasks that hit the same NameError print it once; every
 * output is listed only when asked for ({@code --list-outputs}, {@code -v}) or when there are a handful. Pure: the
 * ends of the logs come in as a function.
 */
final class RunSummary {
    /** At most this many outputs are listed without being asked (a quick start's single image stays visible). */
    static final int OUTPUTS_SHOWN = 5;
    /** Kinds of failure shown with the end of a log; the rest get their one line. */
    static final int GROUPS_WITH_TAIL = 3;
    /** Kinds of failure shown at all; the manifest has every task. */
    static final int GROUPS_SHOWN = 10;
    private static final String TRACEBACK = "Traceback (most recent call last):";
    private static final java.util.regex.Pattern FILE_LINE = java.util.regex.Pattern.compile("File \"(?:[^\"]*/)?([^\"/]*)\"");

    record Lines(List<String> out, List<String> err) {}

    /** One kind of failure: the tasks that share a status, a reason and a traceback. */
    record Group(String status, String reason, String exception, List<Manifest.TaskRecord> tasks, String tail) {}

    private RunSummary() {}

    static Lines of(Manifest m, Path shown, Function<Manifest.TaskRecord, String> tail, boolean quiet,
            boolean listOutputs) {
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        List<Group> groups = groups(m, tail);
        boolean runCancelled = "cancelled".equals(m.status());
        int shownGroups = 0;
        for (Group g : groups) {
            // a cancelled run's cancelled tasks are the closing line's count, not one line each
            if (runCancelled && g.status().equals("cancelled")) {
                continue;
            }
            if (shownGroups++ == GROUPS_SHOWN) {
                err.add("pvrun: ... and " + (groups.size() - GROUPS_SHOWN) + " more kinds of failure (every task is in "
                        + shown.resolve(ManifestIO.FILE) + ")");
                break;
            }
            err.add(headline(g));
            if (g.status().equals("cancelled") || shownGroups > GROUPS_WITH_TAIL) {
                continue;
            }
            Manifest.TaskRecord first = g.tasks().get(0);
            if (!g.tail().isBlank()) {
                err.add("  ---- end of " + shown.resolve(first.log()) + (g.tasks().size() > 1
                        ? " (task " + task(first.index()) + ")" : "") + " ----");
                g.tail().lines().forEach(l -> err.add("  " + l));
            }
            err.add(g.tasks().size() == 1 ? "  log: " + shown.resolve(first.log())
                    : "  logs: " + shown.resolve(first.log()).getParent() + "/ (one per task)");
        }
        List<Manifest.OutputRecord> outputs = m.tasks().stream().flatMap(t -> t.outputs().stream()).toList();
        boolean ok = "succeeded".equals(m.status());
        String closing = closing(m, outputs);
        if (!quiet) {
            if (listOutputs || outputs.size() <= OUTPUTS_SHOWN) {
                outputs.forEach(r -> out.add("  " + shown.resolve(r.path())));
            } else {
                out.add("  results: " + shown + "/ (" + outputs.size() + " outputs; --list-outputs lists them)");
            }
            out.add("  manifest: " + shown.resolve(ManifestIO.FILE));
            out.add(0, closing);
        } else if (!ok) {
            err.add(closing);
        }
        return new Lines(out, err);
    }

    /** Tasks that did not succeed, grouped in order of their first task. */
    static List<Group> groups(Manifest m, Function<Manifest.TaskRecord, String> tail) {
        Map<List<String>, List<Manifest.TaskRecord>> byKind = new LinkedHashMap<>();
        Map<List<String>, String> tails = new LinkedHashMap<>();
        for (Manifest.TaskRecord t : m.tasks()) {
            if (t.status().equals("succeeded")) {
                continue;
            }
            String end = t.status().equals("cancelled") ? "" : tail.apply(t);
            List<String> key = List.of(t.status(), String.valueOf(t.reason()), sameWhereverRun(traceback(end)));
            byKind.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
            tails.putIfAbsent(key, end);
        }
        List<Group> groups = new ArrayList<>();
        byKind.forEach((key, tasks) -> groups.add(new Group(key.get(0), key.get(1), exception(key.get(2)), tasks,
                tails.get(key))));
        return groups;
    }

    /** {@code pvrun: 6 tasks failed: NameError: ... (tasks 0000-0005; script exited with status 1)}. */
    static String headline(Group g) {
        int n = g.tasks().size();
        String what = g.exception() == null ? g.reason() : g.exception();
        String where = n == 1 ? "" : "tasks " + ranges(g.tasks().stream().map(Manifest.TaskRecord::index).toList());
        String why = g.exception() == null ? "" : g.reason();
        String note = where.isEmpty() ? why : why.isEmpty() ? where : where + "; " + why;
        return "pvrun: " + (n == 1 ? "task " + task(g.tasks().get(0).index()) : n + " tasks") + " " + g.status() + ": "
                + what + (note.isEmpty() ? "" : " (" + note + ")");
    }

    /** {@code pvrun: slicer run R failed (6 tasks: 6 failed; 12 outputs, 3.4 KB; 2.9 s)}. */
    static String closing(Manifest m, List<Manifest.OutputRecord> outputs) {
        int n = m.tasks().size();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("succeeded", "failed", "cancelled")) {
            counts.put(s, 0);
        }
        m.tasks().forEach(t -> counts.merge(t.status(), 1, Integer::sum));
        StringBuilder b = new StringBuilder(n + " task" + (n == 1 ? "" : "s"));
        if (counts.get("succeeded") != n) {
            List<String> parts = new ArrayList<>();
            counts.forEach((s, c) -> {
                if (c > 0) {
                    parts.add(c + " " + s);
                }
            });
            b.append(": ").append(String.join(", ", parts)).append(";");
        } else {
            b.append(",");
        }
        long bytes = outputs.stream().mapToLong(Manifest.OutputRecord::bytes).sum();
        b.append(" ").append(outputs.size()).append(" output").append(outputs.size() == 1 ? "" : "s");
        if (!outputs.isEmpty()) {
            b.append(", ").append(Sizes.human(bytes));
        }
        b.append(String.format(Locale.ROOT, "; %.1f s", m.durationSeconds()));
        return "pvrun: " + m.pipeline() + " run " + m.runId() + " " + m.status() + " (" + b + ")";
    }

    /** The last Python traceback of a log's end, or "" when it has none. */
    static String traceback(String tail) {
        List<String> lines = tail.lines().toList();
        int start = lines.lastIndexOf(TRACEBACK);
        if (start < 0) {
            return "";
        }
        int end = start + 1;
        while (end < lines.size() && (lines.get(end).startsWith(" ") || lines.get(end).isEmpty())) {
            end++;
        }
        return String.join("\n", lines.subList(start, Math.min(end + 1, lines.size())));
    }

    /**
     * A traceback with its files named by their base names: each task's copy of the script lives in its own folder,
     * and the same error in task 0000 and 0005 is one kind of failure.
     */
    static String sameWhereverRun(String traceback) {
        return FILE_LINE.matcher(traceback).replaceAll("File \"$1\"");
    }

    /** The exception line that ends a traceback ({@code NameError: name 'x' is not defined}), or null. */
    static String exception(String traceback) {
        if (traceback.isEmpty()) {
            return null;
        }
        List<String> lines = traceback.lines().toList();
        String last = lines.get(lines.size() - 1);
        return last.startsWith(" ") || last.equals(TRACEBACK) ? null : last;
    }

    /**
     * A warning per task or file, up to {@code shown} of them (all with {@code all}), then one line for the rest:
     * {@code more} gets how many were left out. 100,000 tasks that each write outside their folder print a few
     * lines, not 100,000.
     */
    static List<String> firstOf(List<String> lines, int shown, boolean all, java.util.function.IntFunction<String> more) {
        if (all || lines.size() <= shown) {
            return lines;
        }
        List<String> out = new ArrayList<>(lines.subList(0, shown - 1));
        out.add(more.apply(lines.size() - shown + 1));
        return out;
    }

    /** {@code 0000-0005, 0007, 0010-0012}: consecutive indices as ranges; at most ten, then how many more. */
    static String ranges(List<Integer> indices) {
        List<String> parts = new ArrayList<>();
        for (int[] r : Ranges.of(indices)) {
            parts.add(r[0] == r[1] ? task(r[0]) : task(r[0]) + "-" + task(r[1]));
        }
        return parts.size() <= 10 ? String.join(", ", parts)
                : String.join(", ", parts.subList(0, 10)) + " and " + (parts.size() - 10) + " more ranges";
    }

    private static String task(int index) {
        return String.format(Locale.ROOT, "%04d", index);
    }
}
