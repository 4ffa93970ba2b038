package org.pvrun.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and checks a spec's {@code state:} with its {@code screenshot:} and {@code state_files:}. */
final class StateSpecs {
    static final List<String> SCREENSHOT_KEYS = List.of("resolution", "views");
    static final int MAX_SIDE = 16_384;

    private StateSpecs() {}

    /**
     * @param stateFile the state file {@code state:} names (checked to be a readable file), or null without
     *                  {@code state:} or when it is not
     */
    static StateSpec read(MapReader spec, Path stateFile) {
        if (!spec.has("state")) {
            for (String key : List.of("screenshot", "state_files")) {
                if (spec.has(key)) {
                    spec.error(spec.where(key), "'" + key + "' is for a state file: it needs state: FILE.pvsm");
                }
            }
            return null;
        }
        if (spec.has("args")) {
            spec.error(spec.where("args"), "args are a script's arguments; a state file (state:) takes none");
        }
        List<Integer> resolution = null;
        String views = StateSpec.ALL;
        if (spec.has("screenshot")) {
            MapReader r = new MapReader(spec.raw("screenshot"), "screenshot", SCREENSHOT_KEYS, spec.errors());
            if (r.has("resolution")) {
                resolution = resolution(r);
            }
            if (r.has("views")) {
                String v = r.string("views", false);
                if (v != null && !List.of(StateSpec.ALL, StateSpec.LAYOUT).contains(v)) {
                    r.error(r.where("views"), "bad views '" + v + "'; expected all (one image per view) or layout "
                            + "(one image per layout)");
                } else if (v != null) {
                    views = v;
                }
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, Located> fileWhere = new LinkedHashMap<>();
        spec.map("state_files").forEach((k, v) -> {
            YamlNode.Mapping m = (YamlNode.Mapping) spec.raw("state_files");
            if (v instanceof YamlNode.Scalar s && s.value() instanceof String name && !name.isBlank()) {
                if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
                    spec.error(v.where(), "state_files maps to a name in the task folder, not a path: '" + name + "'");
                }
                files.put(k, name);
                fileWhere.put(k, m.entries().get(k).keyWhere());
            } else {
                spec.error(v.where(), "state_files: '" + k + "' must map to an input's name, found " + v.kind());
            }
        });
        if (stateFile == null) {
            return null;
        }
        StateFile parsed;
        try {
            parsed = StateFile.parse(Files.readAllBytes(stateFile));
        } catch (IOException e) {
            spec.error(spec.where("state"), "cannot read the state file: " + e.getMessage());
            return null;
        } catch (IllegalArgumentException e) {
            spec.error(spec.where("state"), stateFile.getFileName() + ": " + e.getMessage());
            return null;
        }
        List<String> named = parsed.dataFiles();
        fileWhere.forEach((path, at) -> {
            if (!named.contains(path)) {
                spec.error(at, "state_files maps " + path + ", which the state does not name; it names: "
                        + (named.isEmpty() ? "no data file" : String.join(", ", named)));
            }
        });
        if (StateSpec.LAYOUT.equals(views) && parsed.layouts().isEmpty()) {
            spec.error(spec.where("screenshot"), "views: layout, but the state has no layout");
        } else if (StateSpec.ALL.equals(views) && parsed.views().isEmpty()) {
            spec.error(spec.where("state"), "the state has no view to save an image of");
        }
        return new StateSpec(parsed, resolution, views, files, spec.where("state"));
    }

    private static List<Integer> resolution(MapReader r) {
        YamlNode n = r.raw("resolution");
        List<Integer> out = new ArrayList<>();
        if (n instanceof YamlNode.Seq s && s.items().size() == 2) {
            for (YamlNode item : s.items()) {
                if (item instanceof YamlNode.Scalar v && v.value() instanceof Long l && l >= 1 && l <= MAX_SIDE) {
                    out.add(l.intValue());
                }
            }
        }
        if (out.size() != 2) {
            r.error(n.where(), "resolution must be [width, height] in pixels, each 1 to " + MAX_SIDE);
            return null;
        }
        return out;
    }
}
