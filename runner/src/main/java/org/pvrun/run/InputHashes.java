package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.pvrun.util.Hashes;

/**
 * SHA-256 of input files, remembered in the state directory by path, size and modification time, so an
 * unchanged 1 GiB input is not read again on every run (docs/targets.md#staging).
 */
final class InputHashes {
    private InputHashes() {}

    /** A file as caches know it: real path, size and modification time; any change makes a new key. */
    static String identity(Path real) throws IOException {
        return real + ":" + Files.size(real) + ":" + Files.getLastModifiedTime(real).toMillis();
    }

    static synchronized String sha256(Path file, StateDir state) throws IOException {
        Path real = file.toRealPath();
        String key = identity(real);
        Map<String, String> known = state.readCache("input-hashes.json");
        String h = known.get(key);
        if (h != null) {
            return h;
        }
        h = Hashes.sha256(real);
        // forget entries of files that changed since, so the cache does not grow with every edit
        String prefix = real + ":";
        known.keySet().removeIf(k -> k.startsWith(prefix));
        known.put(key, h);
        state.writeCache("input-hashes.json", known);
        return h;
    }
}
