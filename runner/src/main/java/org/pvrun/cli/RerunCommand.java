package org.pvrun.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.connect.Connection;
import org.pvrun.connect.Transports;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.results.Rerun;
import org.pvrun.run.DataInPlace;
import org.pvrun.run.Engine;
import org.pvrun.run.Interruption;
import org.pvrun.run.RunOptions;
import org.pvrun.run.RunRecord;
import org.pvrun.run.RunResult;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.SpecLoader;
import org.pvrun.spec.Target;
import org.pvrun.util.Hashes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pvrun rerun MANIFEST}: runs a recorded run again from what its manifest records (the copied spec
 * and script, the same inputs, each task's params) and reports whether the outputs came out identical.
 */
@Command(name = "rerun", mixinStandardHelpOptions = true, customSynopsis = "pvrun rerun [OPTIONS] RUN",
        description = "Run a recorded run again from its manifest (the copied spec and script, the same inputs and "
                + "params) and report whether every output came out identical (bytes, or pixels for images). "
                + "Exit 0 when all are identical, 1 when any differs.",
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun rerun results/quickstart/20261126-051500-3fa2c1/manifest.json",
            "  pvrun rerun 20261126-0515 -t hopper"})
public final class RerunCommand extends PvrunSubcommand {
    @Mixin
    RunArgument run;

    @Option(names = {"-o", "--results"}, paramLabel = "DIR", description = "Results folder (default: the recorded run's).")
    Path results;

    @Mixin
    TargetOptions targetOptions;

    @Mixin
    QuietOption quiet;

    @Override
    public Integer call() throws Exception {
        if (!run.given()) {
            throw missing("parameter: 'RUN'");
        }
        Path oldRun = run.dir(parent.env);
        Path manifestFile = oldRun.resolve(ManifestIO.FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw PvrunException.invalid(oldRun + " has no manifest.json (was the run collected? pvrun fetch)");
        }
        Manifest old = ManifestIO.read(manifestFile);
        Path specCopy = oldRun.resolve(old.spec());
        Path scriptCopy = oldRun.resolve(old.script());
        checkHash(specCopy, old.specSha256(), "the spec kept with the run");
        checkHash(scriptCopy, old.scriptSha256(), "the script kept with the run");
        List<PipelineSpec.InputFile> inputs = new ArrayList<>();
        for (Manifest.InputRecord in : old.inputs()) {
            Path src = Path.of(in.source());
            if (!Files.isRegularFile(src)) {
                throw PvrunException.environment("input " + in.name() + " is gone: " + src);
            }
            checkHash(src, in.sha256(), "input " + in.name());
            inputs.add(new PipelineSpec.InputFile(src, in.name()));
        }
        PipelineSpec spec = new SpecLoader().loadCopy(specCopy, scriptCopy, inputs, parent.env);
        List<Task> tasks = new ArrayList<>();
        for (Manifest.TaskRecord t : old.tasks()) {
            tasks.add(new Task(t.index(), t.params(), Task.argsOf(scriptCopy.getFileName().toString(), t.argv()), Map.of()));
        }
        Target t = targetOptions.resolve(old.target(), spec, parent.env);
        Path resultsDir = results != null ? results : oldRun.getParent().getParent();
        checkData(old, spec, t);
        Interruption.install();
        RunOptions o = runOptions(resultsDir, false, quiet.quiet, false);
        RunResult r = new Engine(o, new Engine.Options(targetOptions.acceptNewHostKey(), false, false, null,
                RunRecord.AfterRun.of(spec.baseline(), null, spec.report()))).run(new Plan(spec, List.copyOf(tasks)), t);
        if (r.manifest() == null) {
            return r.exitCode();
        }
        int after = AfterRun.apply(r, r.exitCode(), new AfterRun.Out(parent.out, parent.err, quiet.quiet, verbose()));
        if (!r.manifest().paraviewVersion().equals(old.paraviewVersion())) {
            parent.err.println("pvrun: note: ParaView " + r.manifest().paraviewVersion() + " now, "
                    + old.paraviewVersion() + " then");
        }
        List<Rerun.OutputComparison> cmp = Rerun.compare(oldRun, old, r.runDir(), r.manifest());
        Map<Rerun.Verdict, Integer> counts = new LinkedHashMap<>();
        for (Rerun.OutputComparison c : cmp) {
            counts.merge(c.verdict(), 1, Integer::sum);
            if (!quiet.quiet || !Rerun.allIdentical(List.of(c))) {
                parent.out.printf("  %-16s %s%n", label(c.verdict()), c.path());
            }
        }
        boolean same = Rerun.allIdentical(cmp) && !cmp.isEmpty();
        parent.out.println("pvrun: rerun of " + old.runId() + " as " + r.manifest().runId() + ": "
                + (same ? "all " + cmp.size() + " outputs identical" : "outputs DIFFER") + " (" + counts(counts) + ")");
        return after != ExitCode.OK ? after : same ? ExitCode.OK : ExitCode.TASK_FAILED;
    }

    /** "11 byte-identical, 1 pixel-identical", in the order the verdicts were met. */
    static String counts(Map<Rerun.Verdict, Integer> counts) {
        return String.join(", ", counts.entrySet().stream().map(e -> e.getValue() + " " + label(e.getKey())).toList());
    }

    static String label(Rerun.Verdict v) {
        return switch (v) {
            case IDENTICAL_BYTES -> "byte-identical";
            case IDENTICAL_PIXELS -> "pixel-identical";
            case DIFFERENT -> "different";
            case MISSING -> "missing";
            case EXTRA -> "new";
        };
    }

    /** Data read in place must be as it was (size, time, hash): a rerun repeats a figure from the same data. */
    private void checkData(Manifest old, PipelineSpec spec, Target t) throws Exception {
        if (old.data() == null || old.data().isEmpty()) {
            return;
        }
        List<String> changed;
        try (Connection c = Transports.connect(t, targetOptions.acceptNewHostKey(), parent.env, parent.err)) {
            changed = DataInPlace.changes(old.data(), DataInPlace.resolve(c.transport(), t, spec.data(),
                    DataInPlace.inputNames(spec)));
        } catch (PvrunException e) {
            if (e.exitCode() != ExitCode.INVALID_INPUT) {
                throw e;
            }
            throw PvrunException.environment("the data of run " + old.runId() + " is not as it was on " + t.name()
                    + ":\n" + e.getMessage().replace("\nnothing was submitted", "") + "\na rerun would not repeat it");
        }
        if (!changed.isEmpty()) {
            throw PvrunException.environment("the data of run " + old.runId() + " changed on " + t.name() + " since the run:\n"
                    + String.join("\n", changed) + "\na rerun would not repeat it; run the spec again for a new figure");
        }
    }

    private static void checkHash(Path f, String expected, String what) throws java.io.IOException {
        String now = Hashes.sha256(f);
        if (!now.equals(expected)) {
            throw PvrunException.environment(what + " (" + f + ") changed since the run: SHA-256 " + now
                    + ", recorded " + expected + "; a rerun would not repeat it");
        }
    }
}
