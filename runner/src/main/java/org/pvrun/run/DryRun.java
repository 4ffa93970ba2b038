package org.pvrun.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.pvrun.plan.ArraySplit;
import org.pvrun.plan.Packing;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.util.Shell;
import org.pvrun.util.Sizes;

/**
 * {@code --dry-run}: the plan, the packing, the job script and the exact commands; nothing run, sent or written.
 * A plan of more than {@link #LISTED} tasks is summarised (its first and last tasks, the packing, counts);
 * {@code --all} lists every task (docs/sweeps.md#dry-run).
 */
record DryRun(PrintStream out, Engine engine, boolean verbose, boolean all) {
    /** Plans of up to this many tasks are listed whole; larger ones by their ends, the packing and counts. */
    static final int LISTED = 20;
    /** Tasks shown at each end of a large plan (measured: listing all 100,000 took 9 s and 200,000 lines). */
    static final int ENDS = 5;
    /** One writer for every task's params: a copy of the mapper per task re-learned its serializers (most of the 9 s). */
    private static final ObjectWriter PARAMS = ManifestIO.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    void print(Plan plan, Target t, String notes, List<Manifest.DataRecord> data) {
        PipelineSpec spec = plan.spec();
        Scheduler scheduler = Schedulers.forName(t.scheduler());
        boolean localDir = t.isLocalDirect() && t.workdir() == null;
        String remoteRun = localDir ? "<results>/" + spec.name() + "/RUN-ID/.work"
                : (t.workdir() != null ? t.workdir() : "~/pvrun") + "/" + spec.name() + "/RUN-ID";
        int slots = engine.slots(spec, t);
        List<Integer> indices = plan.tasks().stream().map(Task::index).toList();
        List<List<Integer>> jobs = Packing.pack(indices, spec.animation() != null ? Integer.valueOf(1) : spec.tasksPerJob(),
                slots);
        int perJob = jobs.stream().mapToInt(List::size).max().orElse(1);
        String jobDir = remoteRun + "/jobs/r1";
        out.print(notes);
        out.println("pipeline:  " + spec.name() + "  (" + spec.specFile() + ")");
        out.println((spec.state() != null ? "state:     " : "script:    ") + spec.script());
        out.println("target:    " + t.describe());
        out.println("pvbatch:   " + t.pvbatch());
        if (spec.paraview() != null) {
            out.println("paraview:  " + spec.paraview() + "  (checked against the target's pvbatch --version first)");
        }
        out.println("ranks:     " + spec.ranks());
        out.println("display:   " + Engine.display(spec, t).id());
        out.println("run dir:   " + remoteRun);
        for (PipelineSpec.InputFile in : spec.inputs()) {
            out.println("input:     " + in.name() + " <- " + in.source());
        }
        for (Manifest.DataRecord d : data) {
            out.println("data:      " + d.name() + " -> " + t.name() + ":" + d.path() + "  (" + d.type() + ", "
                    + (d.type().equals("file") ? Sizes.human(d.bytes()) + ", " : "") + "modified " + d.modified()
                    + (d.sha256() != null ? ", sha256 " + d.sha256().substring(0, 12) + "..." : "") + ")");
        }
        out.println("outputs:   " + (spec.outputs().isEmpty() ? "everything the task writes" : String.join(" ", spec.outputs())));
        out.println("tasks:     " + plan.tasks().size() + " in " + jobs.size() + " job" + (jobs.size() == 1 ? "" : "s")
                + " (up to " + perJob + " per pvbatch process, " + slots + " at a time)"
                + (spec.retries() > 0 ? ", " + spec.retries() + " retr" + (spec.retries() == 1 ? "y" : "ies") : ""));
        if (all || plan.tasks().size() <= LISTED) {
            for (int j = 0; j < jobs.size(); j++) {
                out.println("job " + j + ":");
                for (int idx : jobs.get(j)) {
                    printTask(plan.tasks().get(idx), spec, "  ");
                }
            }
        } else {
            summary(plan, jobs, scheduler, arrayLimit(t, scheduler), slots).forEach(out::println);
            int[] jobOf = jobOf(jobs, plan.tasks().size());
            out.println("first " + ENDS + " tasks:");
            for (Task task : plan.tasks().subList(0, ENDS)) {
                printTask(task, spec, "  job " + jobOf[task.index()] + "  ");
            }
            out.println("  ... " + (plan.tasks().size() - 2 * ENDS) + " more (--all lists every task)");
            out.println("last " + ENDS + " tasks:");
            for (Task task : plan.tasks().subList(plan.tasks().size() - ENDS, plan.tasks().size())) {
                printTask(task, spec, "  job " + jobOf[task.index()] + "  ");
            }
        }
        int maxParallel = Math.min(jobs.size(), slots);
        // directive lines need plain absolute paths: render with stand-ins, print with the real words
        // the launch depends on the target's ParaView (--no-mpi for one rank from 5.10): the version last seen, if any
        String version = engine.knownVersion(t);
        JobSpec js = Engine.jobSpec(spec, t, version, standIn(remoteRun), standIn(jobDir), jobs.size(),
                maxParallel >= jobs.size() ? 0 : maxParallel, perJob);
        out.println("command:   " + back(Shell.join(js.launch())));
        if (version == null && spec.ranks() == 1 && Pvbatch.launcher(t.launcher(), 1).isEmpty()) {
            out.println("           (with --no-mpi after pvbatch if its ParaView is 5.10 or newer: its version is not known yet)");
        }
        String submit = Shell.join(scheduler.submitCommand(jobDir + "/job.sh"));
        out.println("submit:    " + submit + (!scheduler.runsArrays() ? "   (once per job, PVRUN_ARRAY_INDEX=0.."
                + (jobs.size() - 1) + ")" : ""));
        if (!scheduler.enforcesWallTime() && !verbose) {
            // without a batch scheduler the script holds no directive of the spec's: pvrun's own lines
            out.println("job script: " + jobDir + "/job.sh (pvrun's own; -v shows it)");
        } else {
            out.println("job script (" + jobDir + "/job.sh):");
            try {
                scheduler.renderJobScript(js).lines().forEach(l -> out.println("  | " + back(l)));
            } catch (IllegalArgumentException e) {
                out.println("  (cannot render: " + e.getMessage() + ")");
            }
        }
        out.println("(dry run: nothing was run, sent or written)");
    }

    private static String standIn(String path) {
        return path.replace("<results>", "/RESULTS").replaceFirst("^~/", "/HOME/");
    }

    private static String back(String text) {
        return text.replace("/RESULTS/", "<results>/").replace("/HOME/", "~/");
    }

    private void printTask(Task task, PipelineSpec spec, String prefix) {
        out.println(prefix + "task " + task.id() + "  params " + json(task.params()));
        out.println(" ".repeat(prefix.length() + 2) + "argv: "
                + Shell.join(Task.seenArgv(spec.script().getFileName().toString(), task.argv())));
    }

    /** The largest array the target's scheduler takes, if a run asked it before (a dry run asks nothing); else null. */
    private Integer arrayLimit(Target t, Scheduler scheduler) {
        return scheduler.runsArrays() ? ArrayLimits.known(engine.state(), t, scheduler) : null;
    }

    /**
     * A large plan in a few lines: the sweep's dimensions with their counts, how the tasks are packed into jobs
     * and the jobs into arrays. Pure, for tables of plans.
     *
     * @param arrayLimit the scheduler's array limit when known (0: none), null when unknown or not an array scheduler
     */
    static List<String> summary(Plan plan, List<List<Integer>> jobs, Scheduler scheduler, Integer arrayLimit, int slots) {
        List<String> lines = new ArrayList<>();
        String sweep = sweep(plan.spec().points());
        if (!sweep.isEmpty()) {
            lines.add("sweep:     " + sweep);
        }
        if (plan.spec().animation() != null && plan.spec().animation().needsCount()) {
            lines.add("animation: " + plan.spec().animation().framesPerTask() + " frames a task; the frames are counted "
                    + "on the target before the jobs are queued (run " + plan.spec().name() + "-count), so the tasks "
                    + "below are one a point, as the count run has them");
        } else if (plan.spec().animation() != null) {
            lines.add("animation: " + plan.spec().animation().split() + " windows per point: "
                    + plan.spec().points().size() + " points x " + plan.spec().animation().split() + " = "
                    + plan.tasks().size() + " tasks");
        }
        lines.add("packing:   " + packing(jobs));
        lines.add("arrays:    " + arrays(jobs.size(), scheduler, arrayLimit, slots));
        return lines;
    }

    /** {@code i: 100000 values (0 ... 99999); c: 2 values (red, blue)}: each swept name, in the spec's order. */
    static String sweep(List<Map<String, Object>> points) {
        Map<String, LinkedHashSet<Object>> values = new LinkedHashMap<>();
        for (Map<String, Object> p : points) {
            p.forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
        }
        List<String> parts = new ArrayList<>();
        values.forEach((k, vs) -> {
            String shown;
            if (vs.size() <= 3) {
                shown = vs.stream().map(String::valueOf).collect(Collectors.joining(", "));
            } else {
                Object first = vs.iterator().next();
                Object last = null;
                for (Object v : vs) {
                    last = v;
                }
                shown = first + " ... " + last;
            }
            parts.add(k + ": " + vs.size() + " value" + (vs.size() == 1 ? "" : "s") + " (" + shown + ")");
        });
        return String.join("; ", parts);
    }

    /**
     * {@code jobs 0-6: 14286 tasks each, job 7: 14284 (job 0: tasks 0000-14285, job 7: 85716-99999)}: runs of jobs
     * of one size, then the tasks of the first and the last job (each job runs consecutive tasks).
     */
    static String packing(List<List<Integer>> jobs) {
        List<String> groups = new ArrayList<>();
        int start = 0;
        for (int j = 1; j <= jobs.size(); j++) {
            if (j == jobs.size() || jobs.get(j).size() != jobs.get(start).size()) {
                int n = jobs.get(start).size();
                groups.add((j - start == 1 ? "job " + start + ": " + n + " task" + (n == 1 ? "" : "s")
                        : "jobs " + start + "-" + (j - 1) + ": " + n + " task" + (n == 1 ? "" : "s") + " each"));
                start = j;
            }
        }
        String text = String.join(", ", groups);
        if (jobs.size() > 1) {
            text += " (job 0: tasks " + span(jobs.get(0)) + ", job " + (jobs.size() - 1) + ": tasks "
                    + span(jobs.get(jobs.size() - 1)) + ")";
        }
        return text;
    }

    /**
     * How the jobs are submitted: one array (split at the scheduler's limit when a run learnt it), or, without a
     * scheduler, processes started by pvrun; how many run at a time.
     */
    static String arrays(int jobs, Scheduler scheduler, Integer arrayLimit, int slots) {
        String atATime = ", " + Math.min(jobs, slots) + " at a time";
        if (!scheduler.runsArrays()) {
            return "no arrays (scheduler " + scheduler.name() + "): " + jobs + " process" + (jobs == 1 ? "" : "es")
                    + " started by pvrun" + atATime;
        }
        if (jobs == 1) {
            return "none: 1 job";
        }
        if (arrayLimit == null) {
            return "1 array of " + jobs + " jobs" + atATime + " (split into several if the scheduler's array limit is"
                    + " lower: asked at submission)";
        }
        ArraySplit split = new ArraySplit(jobs, arrayLimit >= jobs ? 0 : arrayLimit);
        if (split.arrays() == 1) {
            return "1 array of " + jobs + " jobs" + atATime;
        }
        return split.arrays() + " arrays of up to " + arrayLimit + " jobs (the scheduler's array limit)" + atATime;
    }

    private static String span(List<Integer> tasks) {
        return tasks.size() == 1 ? Task.id(tasks.get(0))
                : Task.id(tasks.get(0)) + "-" + Task.id(tasks.get(tasks.size() - 1));
    }

    private static int[] jobOf(List<List<Integer>> jobs, int tasks) {
        int[] of = new int[tasks];
        for (int j = 0; j < jobs.size(); j++) {
            for (int idx : jobs.get(j)) {
                of[idx] = j;
            }
        }
        return of;
    }

    private static String json(Object o) {
        try {
            return PARAMS.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
