package org.pvrun.spec;

import java.util.List;
import java.util.Map;

/**
 * A spec's {@code state:} (docs/state-files.md): a ParaView state file rendered headless instead of a script,
 * with its data files remapped to the task folder and each view, or the layout, saved as an image.
 *
 * @param file       what pvrun read of the state file (its data files, views, layouts, version)
 * @param resolution the images' size [width, height], or null for each view's own size as saved
 * @param views      {@link #ALL} (one image per view) or {@link #LAYOUT} (one image per layout)
 * @param files      the spec's {@code state_files}: a path as the state names it to a name in the task folder
 * @param where      the {@code state:} entry of the spec, for messages
 */
public record StateSpec(StateFile file, List<Integer> resolution, String views, Map<String, String> files,
        Located where) {
    public static final String ALL = "all";
    public static final String LAYOUT = "layout";

    public StateSpec {
        resolution = resolution == null ? null : List.copyOf(resolution);
        files = files == null ? Map.of() : Map.copyOf(files);
    }
}
