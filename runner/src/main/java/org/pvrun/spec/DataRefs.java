package org.pvrun.spec;

import java.util.ArrayList;
import java.util.List;

/** Reads and checks a spec's {@code data:} list; what the target holds is checked when the run starts. */
final class DataRefs {
    static final List<String> KEYS = List.of("path", "as", "verify");
    /** Names a task folder already uses for pvrun's own files. */

    private DataRefs() {}

    static List<DataRef> read(MapReader r) {
        List<DataRef> out = new ArrayList<>();
        YamlNode n = r.raw("data");
        if (n == null || (n instanceof YamlNode.Scalar s && s.value() == null)) {
            return out;
        }
        List<YamlNode> items = n instanceof YamlNode.Seq q ? q.items() : List.of(n);
        for (YamlNode item : items) {
            DataRef d = null;
            if (item instanceof YamlNode.Mapping) {
                d = entry(new MapReader(item, "a data entry", KEYS, r.errors()));
            } else if (item instanceof YamlNode.Scalar s && s.value() instanceof String p) {
                d = check(new DataRef(p, null, false, item.where()), r);
            } else {
                r.error(item.where(), "a data entry is a path (/scratch/run42/*.vtu) or a map {path: ..., as: ..., "
                        + "verify: sha256}, found " + item.kind());
            }
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    private static DataRef entry(MapReader m) {
        String path = m.string("path", true);
        String as = m.string("as", false);
        String verify = m.string("verify", false);
        if (verify != null && !verify.equals("sha256")) {
            m.error(m.where("verify"), "verify must be sha256, found '" + verify + "'");
        }
        return path == null ? null : check(new DataRef(path, as, "sha256".equals(verify), m.node().where()), m);
    }

    private static DataRef check(DataRef d, MapReader r) {
        String p = d.path();
        if (p.isBlank()) {
            r.error(d.where(), "empty data path");
            return null;
        }
        if (p.indexOf('\0') >= 0 || p.indexOf('\n') >= 0) {
            r.error(d.where(), "a data path cannot hold a NUL byte or a line break");
            return null;
        }
        if (!p.startsWith("/") && (p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/.."))) {
            r.error(d.where(), "relative data path '" + p + "' leaves the target's data_root; give an absolute path");
            return null;
        }
        if (p.startsWith("~")) {
            r.error(d.where(), "data path '" + p + "': ~ is not expanded here; give an absolute path or one relative to "
                    + "the target's data_root");
            return null;
        }
        if (d.as() != null) {
            if (d.isGlob()) {
                r.error(d.where(), "'as' names one file, but '" + p + "' is a glob; drop 'as' (each match keeps its name)");
                return null;
            }
            if (d.as().isBlank() || d.as().contains("/") || DataRef.RESERVED_NAMES.contains(d.as())) {
                r.error(d.where(), "'as' must be a plain file name (no '/'), not '" + d.as() + "'");
                return null;
            }
        }
        return d;
    }
}
