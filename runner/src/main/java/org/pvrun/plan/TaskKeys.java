package org.pvrun.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.pvrun.util.Hashes;

/**
 * A task's key: the SHA-256 of everything that determines its outputs (docs/sweeps.md#resume). Two tasks
 * with the same key make the same files, so a successful one's outputs can stand in for the other.
 */
public final class TaskKeys {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final int VERSION = 1;

    private TaskKeys() {}

    /**
     * @param scriptSha  the script's content hash
     * @param inputs     input name → content hash
     * @param paraview   the target's ParaView version
     * @param setting    the target settings that can change a render (pvbatch, launcher, setup, display, env)
     * @param outputs    the output globs (they decide which files are the task's outputs)
     */
    public static String key(Task task, String scriptSha, Map<String, String> inputs, String paraview, int ranks,
            Map<String, Object> setting, List<String> outputs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("script", scriptSha);
        m.put("inputs", new TreeMap<>(inputs));
        m.put("params", task.params());
        m.put("argv", task.argv());
        m.put("paraview", paraview);
        m.put("ranks", ranks);
        m.put("target", setting);
        m.put("outputs", outputs);
        if (task.animation() != null) {
            // each window of a split animation makes other frames (absent otherwise: older keys stay valid)
            m.put("animation", task.animation().count() ? List.of(task.animation().part(), task.animation().parts(), "count")
                    : task.animation().framesPerTask() > 0
                    ? List.of(task.animation().part(), task.animation().parts(), "frames_per_task", task.animation().framesPerTask())
                    : List.of(task.animation().part(), task.animation().parts()));
        }
        try {
            return Hashes.sha256(CANONICAL.writeValueAsBytes(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
