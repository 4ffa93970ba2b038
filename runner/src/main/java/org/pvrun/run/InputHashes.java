package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import org.pvrun.results.ManifestIO;
import org.pvrun.util.Hashes;

/**
 * SHA-256 of input files, remembered in the state directory by path, size and modification time, so an
 * unchanged 1 GiB input is not read again on every run (docs/targets.md#staging).
 */
final class InputHashes {
    private InputHashes() {}

    static synchronized String sha256(Path file, StateDir state) throws IOException {
        Path real = file.toRealPath();
        String key = real + ":" + Files.size(real) + ":" + Files.getLastModifiedTime(real).toMillis();
        Path cache = state.root().resolve("input-hashes.json");
        Map<String, String> known = new HashMap<>();
        if (Files.exists(cache)) {
            try {
                known.putAll(ManifestIO.JSON.readValue(cache.toFile(), new TypeReference<Map<String, String>>() {}));
            } catch (IOException damaged) {
                known.clear();
            }
        }
        String h = known.get(key);
        if (h != null) {
            return h;
        }
        h = Hashes.sha256(real);
        // forget entries of files that changed since, so the cache does not grow with every edit
        String prefix = real + ":";
        known.keySet().removeIf(k -> k.startsWith(prefix));
        known.put(key, h);
        try {
            Files.createDirectories(cache.getParent());
            ManifestIO.writeAtomically(cache, ManifestIO.JSON.writeValueAsBytes(known));
        } catch (IOException e) {
            // a cache we cannot write only costs time
        }
        return h;
    }
}
