package org.pvrun.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Planner;
import org.pvrun.run.Engine;
import org.pvrun.run.FrameCount;
import org.pvrun.run.Interruption;
import org.pvrun.run.RunOptions;
import org.pvrun.run.RunLock;
import org.pvrun.run.RunRecord;
import org.pvrun.run.RunResult;
import org.pvrun.run.StateDir;
import org.pvrun.spec.Durations;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;
import org.pvrun.spec.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pvrun run SPEC.yaml}: validate, plan, run, collect, report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a pipeline spec (the default command: 'pvrun SPEC.yaml' is 'pvrun run SPEC.yaml').",
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun run pipelines/quickstart.yaml",
            "  pvrun run pipelines/quickstart.yaml -s width=1920 -s height=1080 -o /tmp/figs",
            "  pvrun run pipelines/parallel.yaml --dry-run"})
public final class RunCommand extends PvrunSubcommand {
    @Mixin
    QuietOption quiet;

    @Parameters(index = "0", paramLabel = "SPEC.yaml", description = "The pipeline spec.")
    Path spec;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override a param; the value is typed like YAML (180, 1.5, true, [1,2], text).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = {"-o", "--results"}, paramLabel = "DIR", defaultValue = "results",
            description = "Results folder (default: ./results); runs go to DIR/NAME/RUN-ID/.")
    Path results;

    @Option(names = "--dry-run", description = "Print the plan and the exact commands; run and write nothing.")
    boolean dryRun;

    @Option(names = "--all", description = "With --dry-run: list every task (a plan of more than 20 is summarised: its first and last tasks, the packing, counts).")
    boolean allTasks;

    @Mixin
    JsonOption json;

    @Mixin
    ListOutputsOption list;

    @Mixin
    TargetOptions targetOptions;

    @Option(names = "--detach", description = "Submit the jobs and return at once; follow with 'pvrun status', collect with 'pvrun fetch'.")
    boolean detach;

    @Option(names = "--resume", description = "Reuse the outputs of earlier successful tasks with the same key instead of running them.")
    boolean resume;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Write JUnit XML: one test case per task and per image comparison (Jenkins, GitLab).")
    Path junit;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "How many jobs (pvbatch processes) at a time (default: max_parallel, else cores / ranks here, 8 on a cluster).")
    Integer jobs;

    @Option(names = "--wait-lock", paramLabel = "TIMEOUT", arity = "0..1", fallbackValue = "forever",
            description = "When another run of this pipeline into the same results folder is going on, wait for it "
                    + "(as long as it takes, or at most TIMEOUT: 2h) instead of exiting with status 3.")
    String waitLock;

    @Override
    public Integer call() throws Exception {
        PipelineSpec s = new SpecLoader().load(spec, overrides, parent.env);
        Target t = targetOptions.resolve(s.target(), s, parent.env);
        Plan plan = Planner.plan(s);
        Interruption.install();
        RunOptions o = runOptions(results, dryRun, quiet.quiet, json.json).listingOutputs(list.listOutputs)
                .listingAllTasks(allTasks);
        if (allTasks && !dryRun) {
            throw PvrunException.invalid("--all lists a dry run's tasks: use it with --dry-run");
        }
        if (jobs != null && jobs < 1) {
            throw PvrunException.invalid("--jobs must be at least 1, found " + jobs);
        }
        Engine.Options engineOptions = new Engine.Options(targetOptions.acceptNewHostKey(), detach, resume, jobs,
                RunRecord.AfterRun.of(s.baseline(), junit, s.report()));
        Engine engine = new Engine(o, engineOptions);
        RunResult r;
        if (dryRun) {
            r = engine.run(plan, t);
        } else {
            try (RunLock lock = RunLock.acquire(new StateDir(parent.env), results.resolve(s.name()).toAbsolutePath().normalize(), s.name(),
                    lockWait(), parent.err)) {
                if (s.animation() != null && s.animation().needsCount()) {
                    plan = FrameCount.plan(s, t, o, engineOptions);  // frames_per_task: the frames counted first
                }
                r = engine.run(plan, t);
            }
        }
        int exit = r.exitCode();
        exit = AfterRun.apply(r, exit, new AfterRun.Out(json.json ? parent.err : parent.out, parent.err, quiet.quiet,
                verbose()));
        if (json.json && r.runDir() != null) {
            printJson(JsonOption.of(r));
        } else if (detach && quiet.quiet && r.manifest() == null && r.runDir() != null) {
            parent.out.println(r.runDir().getFileName()); // the one thing a script needs to follow the run: its id
        }
        return exit == ExitCode.OK || !Interruption.interrupted() ? exit : ExitCode.INTERRUPTED;
    }

    /** --wait-lock: null (do not wait), zero (as long as it takes) or the longest wait. */
    private Duration lockWait() {
        if (waitLock == null) {
            return null;
        }
        if (waitLock.equals("forever")) {
            return Duration.ZERO;
        }
        try {
            return Durations.parse(waitLock);
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid("--wait-lock: " + e.getMessage());
        }
    }
}
