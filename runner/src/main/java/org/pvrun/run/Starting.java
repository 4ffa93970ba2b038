package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.plan.TaskKeys;
import org.pvrun.results.Manifest;
import org.pvrun.results.Provenance;
import org.pvrun.results.ResumeCache;
import org.pvrun.spec.Display;
import org.pvrun.spec.PipelineSpec;

/**
 * A new run: the target's ParaView checked, the run directory and run.json written (task keys, tasks reused
 * by --resume), then stage → submit → monitor → collect, unless --detach leaves the run to go on alone.
 */
final class Starting {
    private Starting() {}

    static RunResult start(Session s, Plan plan, Engine.Options eo) throws IOException, InterruptedException {
        boolean detach = eo.detach();
        PipelineSpec spec = plan.spec();
        s.spec = spec;
        // git's answer (two processes) comes while the target is asked for its version
        Path specFile = spec.specFile();
        CompletableFuture<Provenance.Git> git = CompletableFuture.supplyAsync(() -> Provenance.git(specFile));
        // connect (host key, authentication) before anything is written, even when nothing else needs the
        // connection yet (a cached version)
        String workdir = s.isLocalDir() ? null : Staging.workdir(s);
        String version = Staging.askVersion(s);
        s.trace("version");
        if (spec.paraview() != null && !spec.paraview().isSatisfiedBy(version)) {
            throw PvrunException.environment("pipeline " + spec.name() + " needs ParaView " + spec.paraview()
                    + " but target " + s.target.name() + " has ParaView " + version + " (" + s.target.pvbatch() + ")");
        }
        // before the run directory: data that is missing or unreadable is exit 2 with nothing written
        List<Manifest.DataRecord> data = DataInPlace.resolve(s.t, s.target, spec.data(), DataInPlace.inputNames(spec));
        s.trace("data");
        RunRecord.StateRecord state = StateFiles.prepare(spec, data, s.target.name(), version, s.o.err());
        Path pipelineDir = s.o.resultsDir().resolve(spec.name()).toAbsolutePath().normalize();
        ResumeCache cache = eo.resume() ? ResumeCache.scan(pipelineDir) : null;
        s.localRun = RunIds.createRunDir(pipelineDir);
        s.trace("run dir");
        String runId = s.localRun.getFileName().toString();
        String remoteRun = s.isLocalDir() ? s.localRun.resolve(".work").toString() : workdir + "/" + spec.name() + "/" + runId;

        List<Manifest.InputRecord> inputs = Staging.inputRecords(s);
        Map<String, String> inputHashes = new TreeMap<>();
        inputs.forEach(i -> inputHashes.put(i.name(), i.sha256()));
        // a task reading other data is another task (--resume): the data as it was found goes into its key
        data.forEach(d -> inputHashes.put("data:" + d.name(), d.path() + " " + d.bytes() + " " + d.modified()
                + (d.sha256() == null ? "" : " " + d.sha256())));
        if (state != null) {
            // another size, other views or another file standing for one of the state's: other images (--resume)
            inputHashes.put("state:screenshot", state.views() + " " + state.resolution());
            state.files().forEach((path, name) -> inputHashes.put("state:file:" + path, name));
        }
        if (spec.animation() != null && spec.animation().times() != null) {
            // SaveScreenshot's calls split instead of SaveAnimation's frames: other tasks (--resume); absent
            // otherwise, so the keys of earlier runs stay valid
            inputHashes.put("animation:times", spec.animation().times());
        }
        String scriptSha = org.pvrun.util.Hashes.sha256(spec.script());
        Display display = Engine.display(spec, s.target);
        List<RunRecord.TaskEntry> entries = new ArrayList<>();
        Files.createDirectories(s.localRun.resolve("tasks"));
        Files.createDirectories(s.localRun.resolve("logs"));
        for (Task task : plan.tasks()) {
            String key = TaskKeys.key(task, scriptSha, inputHashes, version, spec.ranks(),
                    Engine.keySettings(s.target, display), spec.outputs());
            String from = null;
            ResumeCache.Hit hit = cache == null ? null : cache.find(key);
            if (hit != null) {
                List<Manifest.OutputRecord> outs = ResumeCache.copy(hit, s.localRun, task.id());
                if (outs != null) {
                    from = hit.reference();
                    s.reusedOutputs.put(task.index(), outs.toArray(Manifest.OutputRecord[]::new));
                }
            }
            if (from == null && cache != null && task.animation() != null) {
                // a split animation task an earlier run did not finish: the frames it made are kept (frame by frame)
                ResumeCache.Hit part = cache.findPartial(key);
                List<ResumeCache.Frame> made = part == null ? List.of() : ResumeCache.frames(part);
                if (!made.isEmpty()) {
                    s.seededFrames.put(task.index(), made);
                }
            }
            entries.add(new RunRecord.TaskEntry(task.index(), task.params(), task.argv(), key, from, task.animation()));
        }
        RunRecord.SpecRecord sr = new RunRecord.SpecRecord(spec.specFile().getFileName().toString(), spec.specSha256(),
                spec.script().getFileName().toString(), scriptSha,
                spec.paraview() == null ? null : spec.paraview().toString(), spec.ranks(), display.id(),
                spec.timeout() == null ? null : spec.timeout().toSeconds(), spec.retries(), spec.outputs(), inputs,
                spec.reset(), data.isEmpty() ? null : data, spec.strict() ? Boolean.TRUE : null, spec.animation(),
                state);
        s.rec = new RunRecord(1, runId, spec.name(), s.localRun.toString(), remoteRun, RunRecord.TargetRecord.of(s.target),
                version, sr, entries, List.of(), RunRecord.RUNNING, s.started.toString(), detach, git.join(),
                eo.afterRun());
        Path pipelineCopy = Files.createDirectories(s.localRun.resolve("pipeline"));
        Files.copy(spec.specFile(), pipelineCopy.resolve(spec.specFile().getFileName()));
        Files.copy(spec.script(), pipelineCopy.resolve(spec.script().getFileName()));
        RunRecord.write(s.localRun, s.rec);
        s.engine.state().add(new StateDir.Entry(runId, spec.name(), s.target.name(), s.localRun.toString(),
                s.started.toString()));
        int reused = s.reusedOutputs.size();
        if (reused > 0 && !s.o.quiet()) {
            s.o.out().printf("pvrun: --resume: %d of %d task%s reused from earlier runs%n", reused, entries.size(),
                    entries.size() == 1 ? "" : "s");
        }
        if (!s.seededFrames.isEmpty() && !s.o.quiet()) {
            int frames = s.seededFrames.values().stream().mapToInt(List::size).sum();
            s.o.out().printf("pvrun: --resume: %d frame%s of %d unfinished task%s kept from earlier runs; only the others"
                    + " are rendered%n", frames, frames == 1 ? "" : "s", s.seededFrames.size(), s.seededFrames.size() == 1 ? "" : "s");
        }

        List<Integer> toRun = entries.stream().filter(e -> e.reusedFrom() == null).map(RunRecord.TaskEntry::index).toList();
        return Engine.recorded(() -> {
            if (!toRun.isEmpty()) {
                Staging.stage(s, plan, workdir);
                s.trace("staged");
                Submission.newRound(s, toRun);
                s.trace("submitted");
            }
            if (detach) {
                if (!s.o.quiet()) {
                    s.o.out().println("pvrun: detached; run " + runId + " goes on. Follow it with: pvrun status "
                            + runId + "   collect it with: pvrun fetch " + runId);
                }
                s.detachNow = true;
                return new RunResult(null, s.localRun, ExitCode.OK);
            }
            return new Monitor(s).followRounds();
        });
    }
}
