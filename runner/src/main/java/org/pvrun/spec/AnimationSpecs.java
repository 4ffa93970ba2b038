package org.pvrun.spec;

import java.util.List;

/** Reads and checks a spec's {@code animation:} map. */
final class AnimationSpecs {
    static final List<String> KEYS = List.of("split", "movie");
    static final List<String> MOVIE_KEYS = List.of("file", "fps");
    static final int MAX_SPLIT = 10_000;

    private AnimationSpecs() {}

    static AnimationSpec read(MapReader spec) {
        if (!spec.has("animation")) {
            return null;
        }
        MapReader r = new MapReader(spec.raw("animation"), "animation", KEYS, spec.errors());
        Long split = r.integer("split");
        if (split == null) {
            if (!r.has("split")) {
                r.error(r.node().where(), "animation needs split: the number of tasks that share its frames");
            }
            return null;
        }
        if (split < 1 || split > MAX_SPLIT) {
            r.error(r.where("split"), "split must be 1 to " + MAX_SPLIT + ", found " + split);
            return null;
        }
        AnimationSpec.Movie movie = null;
        if (r.has("movie")) {
            MapReader m = new MapReader(r.raw("movie"), "animation's movie", MOVIE_KEYS, spec.errors());
            String file = m.string("file", true);
            Long fps = m.integer("fps");
            if (file != null && (!file.matches("[A-Za-z0-9._-]+\\.(mp4|webm)") || file.startsWith("."))) {
                m.error(m.where("file"), "movie file must be a plain name ending in .mp4 or .webm, found '" + file + "'");
                file = null;
            }
            if (fps != null && (fps < 1 || fps > 240)) {
                m.error(m.where("fps"), "fps must be 1 to 240, found " + fps);
                fps = null;
            }
            if (file != null) {
                movie = new AnimationSpec.Movie(file, fps == null ? 24 : fps.intValue());
            }
        }
        return new AnimationSpec(split.intValue(), movie);
    }
}
