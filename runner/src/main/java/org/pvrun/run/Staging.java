package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.io.FileUtils;
import org.pvrun.PvrunException;
import org.pvrun.plan.Plan;
import org.pvrun.plan.Task;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.transport.ExecResult;
import org.pvrun.util.Shell;

/**
 * Stage: what the target must have before a job starts there. The runtime, the pipeline and every task's
 * parameters go in one tree transfer; inputs go to a content-addressed cache on the target and are sent only
 * when missing, verified by SHA-256 there.
 */
final class Staging {
    private Staging() {}

    /**
     * The target's working directory ({@code workdir:}, {@code ~/} resolved once by the connection). A command
     * runs first even when the path is absolute: connecting (host key, authentication) must fail before anything
     * is written locally.
     */
    static String workdir(Session s) throws IOException, InterruptedException {
        if (s.target.isRemote() && s.target.workdir() != null && !s.target.workdir().startsWith("~/")) {
            s.check(s.t.exec(List.of("true"), Engine.COMMAND_TIMEOUT), "run a command"); // ~/ asks the home anyway
        }
        return s.conn.workdir();
    }

    /** {@code pvbatch --version} on the target, after its setup lines (module loads); cached locally. */
    static String askVersion(Session s) throws IOException, InterruptedException {
        String known = s.engine.knownVersion(s.target);
        if (known != null) {
            return known;
        }
        if (!s.target.isRemote() && s.target.setup().isEmpty()) {
            return Preflight.localVersion(s.target.pvbatch(), s.engine.state());
        }
        ExecResult r = s.t.exec(Pvbatch.versionCommand(s.target.setup(), s.target.pvbatch()), Engine.COMMAND_TIMEOUT);
        String v = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
        if (v != null) {
            VersionCache.put(s.engine.state(), VersionCache.key(s.target), v);
        }
        if (v == null) {
            throw PvrunException.environment("cannot run pvbatch on target " + s.target.name()
                    + " (set 'pvbatch:' or the 'setup:' lines that load ParaView, e.g. module load paraview):\n" + r.evidence());
        }
        return v;
    }

    static List<Manifest.InputRecord> inputRecords(Session s) throws IOException {
        List<Manifest.InputRecord> out = new ArrayList<>();
        for (PipelineSpec.InputFile in : s.spec.inputs()) {
            out.add(new Manifest.InputRecord(in.name(), in.source().toString(), Files.size(in.source()),
                    InputHashes.sha256(in.source(), s.engine.state())));
        }
        return out;
    }

    static void stage(Session s, Plan plan, String workdir) throws IOException, InterruptedException {
        Path stage = Files.createDirectories(s.localRun.resolve(".stage"));
        List<String> files = new ArrayList<>();
        FileUtils.copyDirectory(s.localRun.resolve("pipeline").toFile(), stage.resolve("pipeline").toFile());
        PythonRuntime.extractTo(stage.resolve("runtime"));
        PythonRuntime.files().forEach(f -> files.add("runtime/" + f));
        files.add("pipeline/" + s.rec.spec().file());
        files.add("pipeline/" + s.rec.spec().script());
        List<String> dirs = new ArrayList<>(List.of(s.rec.remoteDir() + "/logs", s.rec.remoteDir() + "/status",
                s.rec.remoteDir() + "/jobs"));
        for (Task task : plan.tasks()) {
            if (s.reusedOutputs.containsKey(task.index())) {
                continue;
            }
            String rel = "tasks/" + task.id();
            Files.createDirectories(stage.resolve(rel));
            Files.write(stage.resolve(rel).resolve("params.json"), ManifestIO.JSON.writeValueAsBytes(task.params()));
            files.add(rel + "/params.json");
            dirs.add(s.rec.remoteDir() + "/" + rel);
        }
        InputPlan inputs = planInputs(s, workdir);
        String where = workdir != null ? workdir : s.rec.remoteDir();
        List<Long> sizes = new ArrayList<>();
        for (String f : files) {
            sizes.add(Files.size(stage.resolve(f)));
        }
        for (String h : inputs.missing()) {
            sizes.add(Files.size(inputs.byHash().get(h).source()));
        }
        checkRoom(s, sizes, where);
        try {
            if (!s.target.isRemote()) {
                s.t.mkdirs(s.rec.remoteDir(), 0700);
            } else {
                requireOwnWorkdir(s);
                ExecResult mk = s.t.exec(List.of("mkdir", "-p", "-m", "700", s.rec.remoteDir()), Engine.COMMAND_TIMEOUT);
                if (!mk.ok()) {
                    throw PvrunException.environment("cannot create the run directory on " + s.target.name() + ":\n" + mk.evidence());
                }
            }
            mkdirs(s, dirs);
            s.t.uploadTree(stage, files, s.rec.remoteDir());
            seedFrames(s);
            s.inputLinks = sendInputs(s, inputs);
        } catch (IOException | PvrunException e) {
            if (!DiskSpace.full(e.getMessage())) {
                throw e;
            }
            throw filledWhileStaging(s, where, e);
        } finally {
            FileUtils.deleteQuietly(stage.toFile());
        }
        s.rec.spec().dataOrEmpty().forEach(d -> s.inputLinks.put(d.name(), d.path()));
        if (!s.o.quiet() && s.target.isRemote()) {
            s.o.out().printf("pvrun: staged %d files to %s:%s%n", files.size(), s.target.name(), s.rec.remoteDir());
        }
    }

    /**
     * The frames an earlier run made of unfinished split animation tasks (--resume) go into the new task folders,
     * with the frame log that tells the task to keep them (status/NNNN.fdone, pvrun_frames.kept_frames).
     */
    private static void seedFrames(Session s) throws IOException, InterruptedException {
        if (s.seededFrames.isEmpty()) {
            return;
        }
        Path seed = Files.createDirectories(s.localRun.resolve(".stage-frames"));
        try {
            List<String> files = new ArrayList<>();
            for (Map.Entry<Integer, List<org.pvrun.results.ResumeCache.Frame>> e : s.seededFrames.entrySet()) {
                String id = org.pvrun.plan.Task.id(e.getKey());
                StringBuilder log = new StringBuilder();
                for (org.pvrun.results.ResumeCache.Frame f : e.getValue()) {
                    Path dest = seed.resolve("tasks/" + id + "/" + f.path());
                    Files.createDirectories(dest.getParent());
                    try {
                        Files.createLink(dest, f.file());
                    } catch (IOException | UnsupportedOperationException notHere) {
                        Files.copy(f.file(), dest);
                    }
                    files.add("tasks/" + id + "/" + f.path());
                    log.append(f.number()).append(' ').append(f.path()).append('\n');
                }
                Files.createDirectories(seed.resolve("status"));
                Files.writeString(seed.resolve("status/" + id + ".fdone"), log);
                files.add("status/" + id + ".fdone");
            }
            mkdirs(s, List.of(s.rec.remoteDir() + "/status"));
            s.t.uploadTree(seed, files, s.rec.remoteDir());
        } finally {
            FileUtils.deleteQuietly(seed.toFile());
        }
    }

    /** Before anything is sent: what staging writes on the target must fit there, else exit 3 with both sizes. */
    private static void checkRoom(Session s, List<Long> sizes, String where) throws IOException, InterruptedException {
        Long free = s.target.isRemote() ? DiskSpace.freeOnTarget(s.t, s.rec.remoteDir())
                : Long.valueOf(DiskSpace.freeHere(Path.of(s.rec.remoteDir())));
        long block = s.target.isRemote() ? DiskSpace.REMOTE_BLOCK : DiskSpace.blockHere(Path.of(s.rec.remoteDir()));
        long needed = DiskSpace.onDisk(sizes, block);
        if (free != null && needed > free) {
            throw PvrunException.environment("cannot stage on target " + s.target.name() + ": the run's "
                    + DiskSpace.shortfall(sizes.size(), needed, where, free) + "; nothing was sent");
        }
    }

    /**
     * The disk filled on the way (something else wrote there meanwhile): the half-staged run directory goes, so
     * that the space comes back and nothing half-staged stays behind; the run is recorded as never submitted.
     */
    private static PvrunException filledWhileStaging(Session s, String where, Exception e)
            throws IOException, InterruptedException {
        Long free;
        if (s.target.isRemote()) {
            s.t.exec(List.of("rm", "-rf", "--", s.rec.remoteDir()), Engine.COMMAND_TIMEOUT);
            free = DiskSpace.freeOnTarget(s.t, s.rec.remoteDir());
        } else {
            FileUtils.deleteQuietly(Path.of(s.rec.remoteDir()).toFile());
            free = DiskSpace.freeHere(Path.of(s.rec.remoteDir()));
        }
        return PvrunException.environment("cannot stage on target " + s.target.name() + ": " + DiskSpace.NO_SPACE
                + " in " + where + (free == null ? "" : " (" + org.pvrun.util.Sizes.human(free) + " free now)")
                + "; the half-staged run directory " + s.rec.remoteDir() + " was removed, nothing was submitted:\n"
                + DiskSpace.evidence(e.getMessage(), 12), e);
    }

    /**
     * Before the first write on the target: the workdir and the pipeline's folder in it, where they exist, belong
     * to the login user and nobody else can write to them (in a home or scratch shared with others, someone who can
     * write there could replace a run's folder with their own between two of pvrun's commands). Exit 3 otherwise.
     */
    static void requireOwnWorkdir(Session s) throws IOException, InterruptedException {
        String run = s.rec.remoteDir();
        String pipeline = run.substring(0, run.lastIndexOf('/'));
        String workdir = pipeline.substring(0, pipeline.lastIndexOf('/'));
        ExecResult r = s.check(s.t.exec(List.of("sh", "-c", RemoteFiles.DIR_OWNERS, "sh", workdir, pipeline),
                Engine.COMMAND_TIMEOUT), "look at the workdir");
        String out = r.stdout();
        int nl = out.indexOf('\n');
        String uid = nl < 0 ? "" : out.substring(0, nl).strip();
        String[] dirs = nl < 0 ? new String[0] : out.substring(nl + 1).split("\0", -1);
        if (!uid.matches("\\d+") || dirs.length < 2) {
            throw PvrunException.environment("cannot read who owns the workdir " + workdir + " on " + s.target.name()
                    + ":\n" + r.evidence());
        }
        String[] names = {workdir, pipeline};
        for (int i = 0; i < 2; i++) {
            String why = dirs[i].isBlank() ? null : RemoteFiles.unfitDirectory(dirs[i], uid);
            if (why != null) {
                throw PvrunException.environment("refusing the workdir " + names[i] + " on target " + s.target.name()
                        + ": " + why + "; pvrun keeps runs only in a directory of the login user's that no one else can"
                        + " write to (workdir: in the targets file, docs/targets.md)");
            }
        }
    }

    static void mkdirs(Session s, List<String> dirs) throws IOException, InterruptedException {
        if (!s.target.isRemote()) {
            for (String d : dirs) {
                Files.createDirectories(Path.of(d));
            }
            return;
        }
        for (int i = 0; i < dirs.size(); i += 500) {
            List<String> argv = new ArrayList<>(List.of("mkdir", "-p", "--"));
            argv.addAll(dirs.subList(i, Math.min(dirs.size(), i + 500)));
            s.check(s.t.exec(argv, Engine.COMMAND_TIMEOUT), "create the task directories");
        }
    }

    /**
     * Where each input appears from, by its hash, and the hashes the target's cache does not have yet
     * ({@code missing}, to be sent).
     */
    record InputPlan(Map<String, String> links, Map<String, PipelineSpec.InputFile> byHash, List<String> missing,
            String cache) {}

    /** Inputs go to a content-addressed cache on the target; those already there are not sent again. */
    static InputPlan planInputs(Session s, String workdir) throws IOException, InterruptedException {
        Map<String, String> links = new LinkedHashMap<>();
        if (s.spec.inputs().isEmpty() || !s.target.isRemote()) {
            // this machine: the task directory links straight to the file
            s.spec.inputs().forEach(in -> links.put(in.name(), in.source().toString()));
            return new InputPlan(links, Map.of(), List.of(), null);
        }
        String cache = workdir + "/" + Engine.CACHE;
        Map<String, PipelineSpec.InputFile> byHash = new LinkedHashMap<>();
        for (Manifest.InputRecord in : s.rec.spec().inputs()) {
            byHash.putIfAbsent(in.sha256(), s.spec.inputs().stream().filter(f -> f.name().equals(in.name())).findFirst().orElseThrow());
            links.put(in.name(), cache + "/" + in.sha256());
        }
        StringBuilder probe = new StringBuilder("cd " + Shell.quote(cache) + " 2>/dev/null || exit 0; for h in");
        byHash.keySet().forEach(h -> probe.append(' ').append(h));
        probe.append("; do [ -f \"$h\" ] && echo \"$h\"; done; exit 0");
        ExecResult present = s.check(s.t.exec(List.of("sh", "-c", probe.toString()), Engine.COMMAND_TIMEOUT), "look for staged inputs");
        Set<String> there = new LinkedHashSet<>(present.stdout().lines().map(String::strip).toList());
        List<String> missing = byHash.keySet().stream().filter(h -> !there.contains(h)).toList();
        return new InputPlan(links, byHash, missing, cache);
    }

    /** Sends the inputs the target's cache lacks, each verified by SHA-256 there; returns where tasks link them from. */
    static Map<String, String> sendInputs(Session s, InputPlan p) throws IOException, InterruptedException {
        Map<String, String> links = new LinkedHashMap<>(p.links());
        if (p.cache() == null) {
            return links;
        }
        String cache = p.cache();
        Map<String, PipelineSpec.InputFile> byHash = p.byHash();
        List<String> sent = new ArrayList<>();
        s.check(s.t.exec(List.of("mkdir", "-p", cache), Engine.COMMAND_TIMEOUT), "create the input cache");
        for (String h : p.missing()) {
            s.t.upload(byHash.get(h).source(), cache + "/" + h);
            sent.add(h);
        }
        if (!sent.isEmpty()) {
            List<String> argv = new ArrayList<>(List.of("sha256sum", "--"));
            sent.forEach(h -> argv.add(cache + "/" + h));
            ExecResult listed = s.check(s.t.exec(argv, Duration.ofMinutes(30)), "verify the staged inputs");
            Map<String, String> sums;
            try {
                sums = RemoteFiles.parseSha256sum(listed.stdout());
            } catch (IllegalArgumentException e) {
                throw PvrunException.environment("cannot read the hashes of the staged inputs on " + s.target.name()
                        + " (expected sha256sum lines, HASH  NAME): " + e.getMessage() + "; nothing was submitted");
            }
            for (String h : sent) {
                if (!h.equals(sums.get(cache + "/" + h))) {
                    s.t.exec(List.of("rm", "-f", "--", cache + "/" + h), Engine.COMMAND_TIMEOUT);
                    throw PvrunException.environment("input " + byHash.get(h).source() + " arrived corrupted on "
                            + s.target.name() + " (SHA-256 differs); nothing was submitted");
                }
            }
        }
        if (!s.o.quiet()) {
            s.o.out().printf("pvrun: inputs: %d sent, %d already on %s%n", sent.size(), byHash.size() - sent.size(), s.target.name());
        }
        return links;
    }
}
