package org.pvrun.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.pvrun.spec.Target;
import org.pvrun.util.Hashes;

/**
 * The ParaView version of each target's pvbatch, remembered for {@link #TTL} in the state directory so that
 * a run does not start a pvbatch just to ask (on a login node that can take seconds). The key covers
 * everything that picks the pvbatch: host, user, port, jump hosts, the pvbatch command and the setup lines;
 * change any of them and the version is asked again. {@code pvrun doctor} always asks.
 */
public final class VersionCache {
    public static final Duration TTL = Duration.ofHours(6);
    private static final String FILE = "target-versions.json";

    private VersionCache() {}

    public static String key(Target t) {
        String id = t.host() + "|" + t.user() + "|" + t.port() + "|" + t.jump() + "|" + t.pvbatch() + "|" + t.setup()
                + "|" + t.transport();
        return "target:" + Hashes.sha256(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static synchronized String get(StateDir state, String key) {
        String v = state.readCache(FILE).get(key);
        if (v == null || !v.contains("@")) {
            return null;
        }
        String[] parts = v.split("@", 2);
        try {
            if (Instant.parse(parts[1]).plus(TTL).isBefore(Instant.now())) {
                return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
        return parts[0];
    }

    public static synchronized void put(StateDir state, String key, String version) {
        Map<String, String> m = state.readCache(FILE);
        m.put(key, version + "@" + Instant.now());
        state.writeCache(FILE, m);
    }
}
