package org.pvrun.spec;

import java.util.List;

/** Reads and checks a spec's {@code animation:} map. */
final class AnimationSpecs {
    static final List<String> KEYS = List.of("split", "frames_per_task", "movie", "requeue", "stop_before_end",
            "times");
    static final List<String> MOVIE_KEYS = List.of("file", "fps");
    static final int MAX_SPLIT = 10_000;
    static final int MAX_FRAMES_PER_TASK = 1_000_000;

    private AnimationSpecs() {}

    static AnimationSpec read(MapReader spec) {
        if (!spec.has("animation")) {
            return null;
        }
        MapReader r = new MapReader(spec.raw("animation"), "animation", KEYS, spec.errors());
        if (r.has("split") && r.has("frames_per_task")) {
            r.error(r.where("frames_per_task"), "animation takes split (how many tasks) or frames_per_task (how many "
                    + "frames a task), not both");
            return null;
        }
        int perTask = 0;
        if (r.has("frames_per_task")) {
            Integer f = r.integer("frames_per_task", 1, MAX_FRAMES_PER_TASK, "frames_per_task must be 1 to " + MAX_FRAMES_PER_TASK);
            if (f == null) {
                return null;
            }
            perTask = f;
        }
        Long split = perTask > 0 ? Long.valueOf(1) : r.integer("split");
        if (split == null) {
            if (!r.has("split")) {
                r.error(r.node().where(), "animation needs split (the number of tasks that share its frames) or "
                        + "frames_per_task (the frames each task renders)");
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
        Integer requeue = r.has("requeue") ? r.integer("requeue", 0, 10, "requeue must be 0 to 10") : null;
        int stop = AnimationSpec.DEFAULT_STOP_BEFORE_END;
        if (r.has("stop_before_end")) {
            YamlNode n = r.raw("stop_before_end");
            try {
                java.time.Duration d = Durations.parse(n instanceof YamlNode.Scalar s ? String.valueOf(s.value()) : "");
                if (d.toSeconds() < 1 || d.toSeconds() > 3600) {
                    r.error(n.where(), "stop_before_end must be 1s to 1h, found " + Durations.human(d));
                }
                stop = (int) d.toSeconds();
            } catch (IllegalArgumentException e) {
                r.error(n.where(), "stop_before_end must be a duration such as 90s: " + e.getMessage());
            }
        }
        String times = null;
        if (r.has("times")) {
            YamlNode n = r.raw("times");
            Object v = n instanceof YamlNode.Scalar s ? s.value() : null;
            if (AnimationSpec.TIMES_ALL.equals(v)) {
                times = AnimationSpec.TIMES_ALL;
            } else {
                r.error(n.where(), "times must be 'all' (the script calls SaveScreenshot once per time step), found "
                        + (v == null ? "a " + (n instanceof YamlNode.Scalar ? "null" : "list or map") : "'" + v + "'"));
            }
        }
        return new AnimationSpec(split.intValue(), movie, requeue == null ? AnimationSpec.DEFAULT_REQUEUE : requeue, stop,
                times, perTask, false);
    }
}
