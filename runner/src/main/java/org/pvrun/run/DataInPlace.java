package org.pvrun.run;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.spec.DataRef;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;

/**
 * A spec's {@code data:} (docs/spec.md#data): files already on the target, resolved there before anything is
 * submitted (globs expanded by the target's shell, each match checked readable), recorded with size, time and,
 * with {@code verify: sha256}, a hash computed on the target, and linked into every task folder. Never copied.
 * One command for the listing and one for the hashes, in the connection that stages.
 */
public final class DataInPlace {
    static final Duration LIST_TIMEOUT = Duration.ofMinutes(2);
    static final Duration HASH_TIMEOUT = Duration.ofHours(2);

    /**
     * Lists each pattern: {@code F <i> <size> <mtime> <type> <path>} for a readable match, {@code U <i> <path>}
     * for one that cannot be read, {@code N <i> <pattern>} when nothing matches. IFS is empty so that the
     * unquoted {@code $p} is expanded as a glob but never split at spaces; patterns come as arguments, never
     * as script text. {@code ~/} in the data root is the target's home.
     */
    static final String LIST_SCRIPT = "IFS=; root=$1; shift; case $root in '~/'*) root=$HOME/${root#'~/'} ;; esac; i=0; "
            + "for p in \"$@\"; do case $p in /*) ;; *) p=$root/$p ;; esac; found=; "
            + "for f in $p; do [ -e \"$f\" ] || [ -L \"$f\" ] || continue; found=1; "
            + "if [ -r \"$f\" ] && { [ ! -d \"$f\" ] || [ -x \"$f\" ]; } && s=$(stat -L -c '%s %Y %F' -- \"$f\" 2>/dev/null); "
            + "then printf 'F\\t%s\\t%s\\t%s\\n' \"$i\" \"$s\" \"$f\"; else printf 'U\\t%s\\t%s\\n' \"$i\" \"$f\"; fi; done; "
            + "[ -n \"$found\" ] || printf 'N\\t%s\\t%s\\n' \"$i\" \"$p\"; i=$((i+1)); done";


    private DataInPlace() {}

    /** The names a spec's inputs take in a task folder, which data may not take too. */
    public static Set<String> inputNames(org.pvrun.spec.PipelineSpec spec) {
        Set<String> names = new java.util.HashSet<>();
        spec.inputs().forEach(in -> names.add(in.name()));
        return names;
    }

    /** Resolves, checks and (where asked) hashes the data on the target; exit 2 naming the path and target. */
    public static List<Manifest.DataRecord> resolve(Transport t, Target target, List<DataRef> refs, Set<String> taken)
            throws IOException, InterruptedException {
        if (refs.isEmpty()) {
            return List.of();
        }
        if (target.dataRoot() == null) {
            for (DataRef d : refs) {
                if (!d.path().startsWith("/")) {
                    throw PvrunException.invalid(d.where() + ": data path '" + d.path() + "' is relative, but target "
                            + target.name() + " sets no data_root; give an absolute path or set data_root in the target");
                }
            }
        }
        List<Listed> listed = new ArrayList<>(list(t, target, target.dataRoot() == null ? "" : target.dataRoot(), refs));
        listed.addAll(pieces(t, target, listed));
        Map<String, String> sums = hashes(t, target, listed);
        return records(listed, sums, taken);
    }

    /** VTK's multi-piece formats: the file names its pieces relative to itself. */
    static final java.util.regex.Pattern META = java.util.regex.Pattern.compile(".*\\.(pvtu|pvtp|pvti|pvts|pvtr|pvd|vtm)$");
    private static final java.util.regex.Pattern PIECE = java.util.regex.Pattern.compile("(?:Source|file)=\"([^\"]*)\"");

    /**
     * A .pvtu, .pvd or .vtm opens its pieces relative to where it is opened, which is the task folder: so what
     * its pieces' relative names start with (a folder such as {@code step_10/}, or files beside it) is linked
     * too, as data of its own, read from the file on the target.
     */
    private static List<Listed> pieces(Transport t, Target target, List<Listed> listed)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("grep", "-oHE", "(Source|file)=\"[^\"]*\"", "--"));
        Map<String, Listed> metas = new LinkedHashMap<>();
        listed.stream().filter(l -> l.type().equals("file") && META.matcher(l.path()).matches())
                .forEach(l -> metas.put(l.path(), l));
        if (metas.isEmpty()) {
            return List.of();
        }
        argv.addAll(metas.keySet());
        ExecResult r = t.exec(argv, LIST_TIMEOUT);
        List<DataRef> refs = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        listed.forEach(l -> seen.add(l.path()));
        for (String line : r.stdout().split("\n")) {
            for (Map.Entry<String, Listed> m : metas.entrySet()) {
                if (!line.startsWith(m.getKey() + ":")) {
                    continue;
                }
                java.util.regex.Matcher pm = PIECE.matcher(line.substring(m.getKey().length() + 1));
                String first = pm.find() ? pieceRoot(pm.group(1)) : null;
                String sibling = first == null ? null : m.getKey().substring(0, m.getKey().lastIndexOf('/') + 1) + first;
                if (sibling != null && seen.add(sibling)) {
                    refs.add(new DataRef(sibling, null, false, m.getValue().ref().where()));
                }
            }
        }
        if (refs.isEmpty()) {
            return List.of();
        }
        return list(t, target, "", refs);
    }

    /** The first part of a piece's relative name ({@code step_10} of {@code step_10/step_10_0.vtu}), or null. */
    static String pieceRoot(String source) {
        if (source.isEmpty() || source.startsWith("/") || source.indexOf('*') >= 0 || source.indexOf('?') >= 0
                || source.indexOf('[') >= 0) {
            return null;
        }
        String first = source.split("/", 2)[0];
        return first.equals("..") || first.equals(".") || first.isEmpty() ? null : first;
    }

    /** {@link #LIST_SCRIPT} run on the target for {@code refs}, relative ones under {@code root}, and checked. */
    private static List<Listed> list(Transport t, Target target, String root, List<DataRef> refs)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", LIST_SCRIPT, "sh", root));
        refs.forEach(d -> argv.add(d.path()));
        ExecResult r = t.exec(argv, LIST_TIMEOUT);
        if (!r.ok()) {
            throw PvrunException.environment("cannot list the data on " + target.name() + ":\n" + r.evidence());
        }
        return parse(r.stdout(), refs, target.name());
    }

    /** One match of a data entry on the target. */
    record Listed(DataRef ref, String path, long bytes, long mtime, String type) {}

    /** The listing, checked: a pattern with no match or an unreadable match is exit 2 naming it and the target. */
    static List<Listed> parse(String out, List<DataRef> refs, String targetName) {
        List<Listed> listed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", 4);
            int i = f.length >= 3 && f[1].matches("\\d{1,9}") ? Integer.parseInt(f[1]) : -1;
            if (i < 0 || i >= refs.size()) {
                throw PvrunException.environment("unexpected answer listing the data on " + targetName + ": " + line);
            }
            DataRef ref = refs.get(i);
            switch (f[0]) {
                case "N" -> problems.add(ref.where() + ": data '" + ref.path() + "' matches nothing on " + targetName
                        + (ref.path().equals(f[2]) ? "" : " (looked for " + f[2] + ")"));
                case "U" -> problems.add(ref.where() + ": data " + f[2] + " on " + targetName + " cannot be read");
                case "F" -> {
                    String[] st = f.length == 4 ? f[2].split(" ", 3) : new String[0];
                    if (st.length != 3 || !st[0].matches("\\d+") || !st[1].matches("-?\\d+")) {
                        throw PvrunException.environment("unexpected answer listing the data on " + targetName + ": " + line);
                    }
                    String type = st[2].equals("directory") ? "folder" : "file";
                    if (ref.sha256() && type.equals("folder")) {
                        problems.add(ref.where() + ": verify: sha256 applies to files; " + f[3] + " on " + targetName
                                + " is a folder");
                    }
                    listed.add(new Listed(ref, f[3], Long.parseLong(st[0]), Long.parseLong(st[1]), type));
                }
                default -> throw PvrunException.environment("unexpected answer listing the data on " + targetName + ": "
                        + line);
            }
        }
        if (!problems.isEmpty()) {
            throw PvrunException.invalid(String.join("\n", problems) + "\nnothing was submitted");
        }
        return listed;
    }

    private static Map<String, String> hashes(Transport t, Target target, List<Listed> listed)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sha256sum", "--"));
        listed.stream().filter(l -> l.ref().sha256()).forEach(l -> argv.add(l.path()));
        if (argv.size() == 2) {
            return Map.of();
        }
        ExecResult r = t.exec(argv, HASH_TIMEOUT);
        if (!r.ok()) {
            throw PvrunException.environment("cannot hash the data on " + target.name() + " (verify: sha256):\n"
                    + r.evidence());
        }
        return RemoteFiles.parseSha256sum(r.stdout());
    }

    /** The records, with their link names: the base name or {@code as}; two data files may not share one. */
    static List<Manifest.DataRecord> records(List<Listed> listed, Map<String, String> sums, Set<String> taken) {
        Map<String, Manifest.DataRecord> byName = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Listed l : listed) {
            String name = l.ref().as() != null ? l.ref().as() : l.path().substring(l.path().lastIndexOf('/') + 1);
            Manifest.DataRecord rec = new Manifest.DataRecord(name, l.path(), l.type(), l.bytes(),
                    Instant.ofEpochSecond(l.mtime()).toString(), sums.get(l.path()));
            Manifest.DataRecord prev = byName.putIfAbsent(name, rec);
            if (prev != null && !prev.path().equals(l.path())) {
                problems.add(l.ref().where() + ": two data files would both be named '" + name + "' in the task folder: "
                        + prev.path() + " and " + l.path() + "; give one of them its own name with {path: ..., as: NAME}");
            } else if (taken.contains(name) || DataRef.RESERVED_NAMES.contains(name) || name.isEmpty()) {
                problems.add(l.ref().where() + ": data " + l.path() + " would be named '" + name
                        + "' in the task folder, which an input or pvrun already uses; name it with {path: ..., as: NAME}");
            }
        }
        if (!problems.isEmpty()) {
            throw PvrunException.invalid(String.join("\n", problems) + "\nnothing was submitted");
        }
        return List.copyOf(byName.values());
    }

    /** What changed since a run: one line per file, empty when the data is as it was. */
    public static List<String> changes(List<Manifest.DataRecord> then, List<Manifest.DataRecord> now) {
        Map<String, Manifest.DataRecord> current = new LinkedHashMap<>();
        now.forEach(d -> current.put(d.path(), d));
        List<String> out = new ArrayList<>();
        for (Manifest.DataRecord d : then) {
            Manifest.DataRecord n = current.remove(d.path());
            if (n == null) {
                out.add(d.path() + ": no longer there");
            } else if (d.sha256() != null && n.sha256() != null && !d.sha256().equals(n.sha256())) {
                out.add(d.path() + ": its SHA-256 differs");
            } else if (d.type().equals("file") && d.bytes() != n.bytes()) {
                out.add(d.path() + ": " + d.bytes() + " bytes then, " + n.bytes() + " now");
            } else if (!d.modified().equals(n.modified())) {
                out.add(d.path() + ": modified " + n.modified() + " (then " + d.modified() + ")");
            }
        }
        current.keySet().forEach(p -> out.add(p + ": new (a glob matches it now)"));
        return out;
    }
}
