package org.pvrun.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.pvrun.util.Hashes;

/**
 * Loads and validates a pipeline spec (docs/spec.md). Every problem is reported with the file, line and
 * column where it was written; nothing is run or written on the way.
 */
public final class SpecLoader {
    public static final List<String> KEYS = List.of("name", "description", "script", "paraview", "params", "args",
            "ranks", "inputs", "input_root", "outputs", "target", "timeout", "display", "resources", "sweep", "tasks_per_job",
            "max_parallel", "retries", "reset", "baseline", "report", "data", "strict", "animation", "state", "screenshot",
            "state_files");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private final YamlReader yaml = new YamlReader();

    /**
     * @param specPath  the spec file as the user named it
     * @param overrides {@code --set key=value} pairs; values are typed like YAML
     */
    public PipelineSpec load(Path specPath, Map<String, String> overrides) {
        return load(specPath, overrides, System.getenv());
    }

    public PipelineSpec load(Path specPath, Map<String, String> overrides, Map<String, String> env) {
        return load(specPath, overrides, env, null, null);
    }

    /**
     * Loads a spec kept with a run ({@code pvrun rerun}): its script is the copy beside it and its inputs are
     * the files the manifest recorded, wherever the spec's relative paths would point from the copy.
     */
    public PipelineSpec loadCopy(Path specCopy, Path scriptCopy, List<PipelineSpec.InputFile> inputs, Map<String, String> env) {
        return load(specCopy, Map.of(), env, scriptCopy, inputs);
    }

    private PipelineSpec load(Path specPath, Map<String, String> overrides, Map<String, String> env, Path scriptOverride,
            List<PipelineSpec.InputFile> inputsOverride) {
        String shown = specPath.toString();
        Path specFile = specPath.toAbsolutePath().normalize();
        YamlNode root = yaml.read(specFile, shown);
        List<SpecError> errors = new ArrayList<>();
        TargetsLoader.refuseSecrets(root, errors);
        MapReader r = new MapReader(root, "the pipeline spec", KEYS, errors);
        Path specDir = specFile.getParent();

        String name = r.string("name", true);
        if (name != null && (!NAME.matcher(name).matches() || name.equals(".") || name.equals(".."))) {
            r.error(r.where("name"), "bad name '" + name + "'; use 1 to 100 of A-Z a-z 0-9 . _ - (no '/', not '..')");
        }
        String description = r.string("description", false);

        // a state file (docs/state-files.md) takes the script's place: staged, hashed and copied as a script is
        boolean fromState = r.has("state");
        String scriptKey = fromState ? "state" : "script";
        String what = fromState ? "state file" : "script";
        if (fromState && r.has("script")) {
            r.error(r.where("state"), "a spec runs a script: or loads a state:, not both");
        }
        Path script = null;
        String scriptText = r.string(scriptKey, true);
        if (scriptOverride != null) {
            script = scriptOverride;
        } else if (scriptText != null) {
            script = resolvePath(specDir, scriptText, r, scriptKey);
            if (script == null) {
                // reported
            } else if (!Files.exists(script)) {
                r.error(r.where(scriptKey), what + " not found: " + script);
                script = null;
            } else if (!Files.isRegularFile(script) || !Files.isReadable(script)) {
                r.error(r.where(scriptKey), what + " is not a readable file: " + script);
                script = null;
            }
        }

        VersionConstraint paraview = null;
        YamlNode pv = r.raw("paraview");
        if (pv instanceof YamlNode.Scalar s && s.value() instanceof Number) {
            // 5.10 written as a YAML number reads back as 5.1: insist on a string
            r.error(pv.where(), "'paraview' must be a quoted string such as \"" + s.value()
                    + "\", not a number (5.10 would read as 5.1)");
        } else {
            String pvText = r.string("paraview", false);
            if (pvText != null) {
                try {
                    paraview = VersionConstraint.parse(pvText);
                } catch (IllegalArgumentException e) {
                    r.error(r.where("paraview"), e.getMessage());
                }
            }
        }

        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, YamlNode> paramNodes = r.map("params");
        paramNodes.forEach((k, v) -> {
            if (!PARAM_NAME.matcher(k).matches()) {
                Located at = ((YamlNode.Mapping) r.raw("params")).entries().get(k).keyWhere();
                r.error(at, "bad param name '" + k + "'; use letters, digits, _ . - and start with a letter or _");
            }
            params.put(k, YamlNode.toPlain(v));
        });
        Set<String> swept = sweptNames(r.raw("sweep"));
        Set<String> pinned = applyOverrides(overrides, params, swept, errors);
        List<Map<String, Object>> points = r.raw("sweep") == null ? List.of(Map.of())
                : Sweeps.expand(r.raw("sweep"), pinned, errors);
        Set<String> known = new java.util.LinkedHashSet<>(params.keySet());
        known.addAll(swept);

        List<String> args = new ArrayList<>();
        for (Located.Text a : r.strings("args")) {
            try {
                for (String ref : ArgTemplate.names(a.value())) {
                    if (!known.contains(ref)) {
                        String near = MapReader.nearest(ref, known);
                        r.error(a.where(), "argument '" + a.value() + "' refers to param '" + ref
                                + "', which is not in params" + (near != null ? "; did you mean '" + near + "'?" : ""));
                    }
                }
            } catch (IllegalArgumentException e) {
                r.error(a.where(), e.getMessage());
            }
            args.add(a.value());
        }

        Integer ranksValue = r.integer("ranks", 1, 100_000, "ranks must be at least 1");
        int ranks = ranksValue == null ? 1 : ranksValue;

        List<PipelineSpec.InputFile> inputs = new ArrayList<>();
        Map<String, Path> inputNames = new HashMap<>();
        // inputs are shipped to the target: a spec from elsewhere must not reach ~/.ssh by "../../.ssh/*"
        String rootText = r.string("input_root", false);
        Path inputRoot = rootText == null ? specDir : resolvePath(specDir, rootText, r, "input_root");
        if (inputRoot == null) {
            inputRoot = specDir;
        }
        for (Located.Text g : inputsOverride != null ? List.<Located.Text>of() : r.strings("inputs")) {
            if (g.value().isBlank()) {
                r.error(g.where(), "empty input glob");
                continue;
            }
            Path globBase;
            try {
                globBase = InputGlobs.base(specDir, g.value());
            } catch (java.nio.file.InvalidPathException e) {
                r.error(g.where(), "bad input glob '" + g.value() + "': not a path: " + e.getReason());
                continue;
            }
            if (!globBase.startsWith(inputRoot)) {
                r.error(g.where(), "input glob '" + g.value() + "' reaches outside " + (rootText == null
                        ? "the spec's folder " + specDir + "; allow a wider folder with input_root (e.g. input_root: ..)"
                        : "input_root " + inputRoot));
                continue;
            }
            List<PipelineSpec.InputFile> matched;
            try {
                matched = InputGlobs.resolve(specDir, g.value());
            } catch (UncheckedIOException | IllegalArgumentException e) {
                r.error(g.where(), "bad input glob '" + g.value() + "': " + e.getMessage());
                continue;
            }
            if (matched.isEmpty()) {
                r.error(g.where(), "input glob '" + g.value() + "' matches no file (relative to " + specDir + ")");
            }
            for (PipelineSpec.InputFile f : matched) {
                Path prev = inputNames.putIfAbsent(f.name(), f.source());
                if (prev != null && !prev.equals(f.source())) {
                    r.error(g.where(), "two inputs would both be named '" + f.name() + "' in the task directory: "
                            + prev + " and " + f.source());
                } else if (prev == null) {
                    inputs.add(f);
                }
            }
        }

        if (inputsOverride != null) {
            inputs.addAll(inputsOverride);
        }

        List<String> outputs = new ArrayList<>();
        for (Located.Text o : r.strings("outputs")) {
            String problem = OutputGlobs.problem(o.value());
            if (problem != null) {
                r.error(o.where(), problem);
            }
            outputs.add(o.value());
        }

        String target = "local";
        Target inlineTarget = null;
        if (r.raw("target") instanceof YamlNode.Mapping tm) {
            target = "inline";
            inlineTarget = new TargetsLoader().parse(target, tm, env, errors);
        } else if (r.has("target")) {
            target = r.string("target", false);
            if (target != null && !NAME.matcher(target).matches()) {
                r.error(r.where("target"), "bad target name '" + target + "'");
            }
        }

        Duration timeout = null;
        YamlNode tn = r.raw("timeout");
        if (tn instanceof YamlNode.Scalar s && s.value() != null) {
            try {
                timeout = Durations.parse(String.valueOf(s.value()));
            } catch (IllegalArgumentException e) {
                r.error(tn.where(), e.getMessage());
            }
        } else if (tn != null && !(tn instanceof YamlNode.Scalar)) {
            r.error(tn.where(), "'timeout' must be a duration such as 20m, found " + tn.kind());
        }

        Display display = r.display();

        Integer tasksPerJob = positive(r, "tasks_per_job");
        Integer maxParallel = positive(r, "max_parallel");
        Integer retriesValue = r.integer("retries", 0, 10, "retries must be 0 to 10");
        int retries = retriesValue == null ? 0 : retriesValue;

        Path baseline = null;
        String baselineText = r.string("baseline", false);
        if (baselineText != null) {
            baseline = resolvePath(specDir, baselineText, r, "baseline");
        }
        boolean report = flag(r, "report");
        boolean strict = flag(r, "strict");
        List<DataRef> data = DataRefs.read(r);
        AnimationSpec animation = AnimationSpecs.read(r);
        StateSpec state = StateSpecs.read(r, fromState ? script : null);
        if (state != null && data.stream().noneMatch(DataRef::isGlob)) {
            // every name is known here, so a missing data file is reported with the spec's line; data: globs
            // are matched once the target has expanded them (the same check, before anything is queued)
            List<String> names = new ArrayList<>();
            inputs.forEach(f -> names.add(f.name()));
            data.forEach(d -> names.add(d.as() != null ? d.as() : StateData.baseName(d.path())));
            StateData.match(state.file().dataFiles(), names, state.files()).problems()
                    .forEach(p -> r.error(state.where(), p));
        }
        String reset = r.has("reset") ? r.string("reset", false) : "pipeline";
        if (reset != null && !List.of("pipeline", "session").contains(reset)) {
            r.error(r.where("reset"), "bad reset '" + reset + "'; expected pipeline or session");
        }

        Map<String, String> resources = new LinkedHashMap<>();
        r.map("resources").forEach((k, v) -> {
            if (v instanceof YamlNode.Scalar s && s.value() != null) {
                resources.put(k, String.valueOf(s.value()));
            } else {
                r.error(v.where(), "resource '" + k + "' must be a single value, found " + v.kind());
            }
        });

        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        String sha;
        try {
            sha = Hashes.sha256(specFile);
        } catch (IOException e) {
            throw new SpecException(new Located(shown, 0, 0), "cannot read: " + e.getMessage());
        }
        return new PipelineSpec(specFile, sha, name, description, script, paraview, params.isEmpty()
                ? Map.of() : java.util.Collections.unmodifiableMap(params), List.copyOf(args), ranks,
                List.copyOf(inputs), List.copyOf(outputs), target, inlineTarget, timeout, display, Map.copyOf(resources),
                List.copyOf(points), tasksPerJob, maxParallel, retries, reset == null ? "pipeline" : reset, baseline, report,
                data, strict, animation, state);
    }

    /** A true/false key, false when absent or null. */
    private static boolean flag(MapReader r, String key) {
        YamlNode n = r.raw(key);
        if (n instanceof YamlNode.Scalar s && s.value() instanceof Boolean b) {
            return b;
        }
        if (n != null && !(n instanceof YamlNode.Scalar s0 && s0.value() == null)) {
            r.error(n.where(), "'" + key + "' must be true or false, found " + n.kind());
        }
        return false;
    }

    /** Applies {@code --set}; returns the names it set, which a sweep then leaves out (pinned). */
    private Set<String> applyOverrides(Map<String, String> overrides, Map<String, Object> params, Set<String> swept,
            List<SpecError> errors) {
        Set<String> pinned = new java.util.HashSet<>();
        if (overrides == null) {
            return pinned;
        }
        overrides.forEach((k, v) -> {
            Located where = new Located("--set " + k, 0, 0);
            if (!params.containsKey(k) && !swept.contains(k)) {
                Set<String> all = new java.util.TreeSet<>(params.keySet());
                all.addAll(swept);
                String near = MapReader.nearest(k, all);
                errors.add(new SpecError(where, "no param '" + k + "' in the spec"
                        + (near != null ? "; did you mean '" + near + "'?" : "; params: " + all)));
                return;
            }
            try {
                YamlNode n = yaml.parse(v.isEmpty() ? "''" : v, "--set " + k);
                params.put(k, YamlNode.toPlain(n));
                pinned.add(k);
            } catch (SpecException e) {
                errors.addAll(e.errors());
            }
        });
        return pinned;
    }

    /** The param names a sweep sets (its keys, and the keys of its zip group). */
    private static Set<String> sweptNames(YamlNode sweep) {
        Set<String> names = new java.util.LinkedHashSet<>();
        if (sweep instanceof YamlNode.Mapping m) {
            m.entries().forEach((k, e) -> {
                if (k.equals("zip") && e.value() instanceof YamlNode.Mapping z) {
                    names.addAll(z.entries().keySet());
                } else {
                    names.add(k);
                }
            });
        }
        return names;
    }

    private static Integer positive(MapReader r, String key) {
        return r.integer(key, 1, 1_000_000, key + " must be at least 1");
    }

    /** {@code dir/text}, or null with an error at {@code key} when the text is no path (a NUL byte, say). */
    private static Path resolvePath(Path dir, String text, MapReader r, String key) {
        try {
            return dir.resolve(text).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            r.error(r.where(key), "not a path: " + e.getReason());
            return null;
        }
    }
}
