package org.pvrun.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.SerializationFeature;
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

/** {@code --dry-run}: the plan, the packing, the job script and the exact commands; nothing run, sent or written. */
record DryRun(PrintStream out, Engine engine, boolean verbose) {

    void print(Plan plan, Target t, String notes, List<Manifest.DataRecord> data) {
        PipelineSpec spec = plan.spec();
        Scheduler scheduler = Schedulers.forName(t.scheduler());
        boolean localDir = t.isLocalDirect() && t.workdir() == null;
        String remoteRun = localDir ? "<results>/" + spec.name() + "/RUN-ID/.work"
                : (t.workdir() != null ? t.workdir() : "~/pvrun") + "/" + spec.name() + "/RUN-ID";
        List<Integer> all = plan.tasks().stream().map(Task::index).toList();
        List<List<Integer>> jobs = Packing.pack(all, spec.animation() != null ? Integer.valueOf(1) : spec.tasksPerJob(),
                engine.slots(spec, t));
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
                + " (up to " + perJob + " per pvbatch process, " + engine.slots(spec, t) + " at a time)"
                + (spec.retries() > 0 ? ", " + spec.retries() + " retr" + (spec.retries() == 1 ? "y" : "ies") : ""));
        for (int j = 0; j < jobs.size(); j++) {
            out.println("job " + j + ":");
            for (int idx : jobs.get(j)) {
                Task task = plan.tasks().get(idx);
                out.println("  task " + task.id() + "  params " + json(task.params()));
                out.println("    argv: " + Shell.join(Task.seenArgv(spec.script().getFileName().toString(), task.argv())));
            }
        }
        int maxParallel = Math.min(jobs.size(), engine.slots(spec, t));
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

    private static String json(Object o) {
        try {
            return ManifestIO.JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
