package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.FileUtils;
import org.pvrun.plan.ArraySplit;
import org.pvrun.plan.Packing;
import org.pvrun.plan.Task;
import org.pvrun.results.ManifestIO;
import org.pvrun.scheduler.JobSpec;

/**
 * Submit: a round of jobs (the first runs every task not reused, each retry the tasks that failed) packed,
 * written as job files and a job script beside them, recorded in run.json, then handed to the tracker, which
 * submits it (and adopts a lost answer later) or starts its processes.
 */
final class Submission {
    private Submission() {}

    /** Packs tasks into the jobs of a new round, writes their job files and script, and submits them. */
    static void newRound(Session s, List<Integer> taskIndices) throws IOException, InterruptedException {
        List<RunRecord.Round> rounds = new ArrayList<>(s.liveRounds);
        int number = rounds.size() + 1;
        Integer perJob = s.specTasksPerJob();
        List<List<Integer>> jobs = Packing.pack(taskIndices, perJob, s.slots());
        int maxPer = jobs.stream().mapToInt(List::size).max().orElse(1);
        String jobDir = s.rec.remoteDir() + "/jobs/r" + number;
        Path stage = Files.createDirectories(s.localRun.resolve(".stage/jobs/r" + number));
        List<String> files = new ArrayList<>();
        Map<Integer, RunRecord.TaskEntry> byIndex = new HashMap<>();
        s.rec.tasks().forEach(e -> byIndex.put(e.index(), e));
        for (int j = 0; j < jobs.size(); j++) {
            List<Map<String, Object>> jobTasks = new ArrayList<>();
            for (int idx : jobs.get(j)) {
                RunRecord.TaskEntry e = byIndex.get(idx);
                String id = Task.id(idx);
                Map<String, Object> jt = new LinkedHashMap<>();
                jt.put("index", idx);
                jt.put("dir", s.rec.remoteDir() + "/tasks/" + id);
                jt.put("script", s.rec.remoteDir() + "/pipeline/" + s.rec.spec().script());
                jt.put("argv", e.argv());
                jt.put("log", s.rec.remoteDir() + "/logs/" + id + ".log");
                jt.put("status", s.rec.remoteDir() + "/status/" + id + ".exit");
                jt.put("run_dir", s.rec.remoteDir());
                jt.put("inputs", s.inputLinks);
                jt.put("attempt", number);
                if (e.animation() != null) {
                    Map<String, Object> a = new LinkedHashMap<>(Map.of("part", e.animation().part(),
                            "parts", e.animation().parts()));
                    if (e.animation().framesPerTask() > 0) {
                        a.put("frames_per_task", e.animation().framesPerTask());
                    }
                    if (e.animation().count()) {
                        a.put("count", true);  // the count run of frames_per_task: count the frames, render none
                    }
                    if (s.rec.spec().animation() != null && s.rec.spec().animation().times() != null) {
                        a.put("times", s.rec.spec().animation().times());  // the script's SaveScreenshot is split
                    }
                    jt.put("animation", a);
                }
                RunRecord.StateRecord state = s.rec.spec().state();
                if (state != null) {
                    // the task loads the state (its copy as the script) instead of running a script
                    Map<String, Object> st = new LinkedHashMap<>();
                    st.put("files", state.files());
                    st.put("views", state.views());
                    if (state.resolution() != null) {
                        st.put("resolution", state.resolution());
                    }
                    jt.put("state", st);
                }
                if (s.rec.spec().timeoutSeconds() != null) {
                    jt.put("timeout", s.rec.spec().timeoutSeconds());
                }
                jobTasks.add(jt);
            }
            Files.write(stage.resolve("job-" + j + ".json"), ManifestIO.JSON.writeValueAsBytes(Map.of("tasks", jobTasks,
                    "reset", s.rec.spec().reset() == null ? "pipeline" : s.rec.spec().reset())));
            files.add("job-" + j + ".json");
        }
        // a round larger than the scheduler's array limit goes as several arrays, each its own script
        int perArray = s.scheduler.runsArrays() && jobs.size() > 1 ? ArrayLimits.of(s) : 0;
        ArraySplit split = new ArraySplit(jobs.size(), perArray >= jobs.size() ? 0 : perArray);
        JobSpec js = Engine.jobSpec(s.specOrRecord(), s.target, s.rec.paraviewVersion(), s.rec.remoteDir(), jobDir, jobs.size(),
                0, maxPer);
        // the arrays share the slots (max_parallel): no scheduler throttles across arrays
        int slots = Math.max(1, s.slots() / split.arrays());
        for (int a = 0; a < split.arrays(); a++) {
            int size = s.scheduler.runsArrays() ? split.size(a) : 1;
            int maxParallel = s.scheduler.runsArrays() ? Math.min(size, slots) : 0;
            JobSpec array = js.asArray(split.offset(a), size, maxParallel >= size ? 0 : maxParallel);
            Files.writeString(stage.resolve(ArraySplit.script(a)), s.scheduler.renderJobScript(array));
            files.add(ArraySplit.script(a));
        }
        Staging.mkdirs(s, List.of(jobDir));
        if (number > 1) {
            // a retried task starts from a clean slate: no verdict from its last attempt
            List<String> rm = new ArrayList<>(List.of("rm", "-f", "--"));
            taskIndices.forEach(i -> rm.add(s.rec.remoteDir() + "/status/" + Task.id(i) + ".exit"));
            taskIndices.forEach(i -> rm.add(s.rec.remoteDir() + "/status/" + Task.id(i) + ".started"));
            s.check(s.t.exec(rm, Engine.COMMAND_TIMEOUT), "reset the retried tasks");
        }
        s.t.uploadTree(stage, files, jobDir);
        FileUtils.deleteDirectory(s.localRun.resolve(".stage").toFile());
        RunRecord.Round round = new RunRecord.Round(number, jobDir, jobs, new ArrayList<>(), null, null, split.perArray());
        rounds.add(round);
        s.liveRounds = rounds;
        s.tracker.submit(round, taskIndices.size());
    }
}
