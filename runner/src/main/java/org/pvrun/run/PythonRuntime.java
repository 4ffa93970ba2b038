package org.pvrun.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Python that runs inside pvbatch (the task driver and the {@code pvrun} accessor module). */
public final class PythonRuntime {
    public static final String DRIVER = "pvrun_driver.py";
    private static final List<String> FILES = List.of(DRIVER, "pvrun_ranks.py", "pvrun_outside.py", "pvrun_frames.py",
            "pvrun_state.py",
            "pvrun/__init__.py");

    private PythonRuntime() {}

    /** Writes the runtime files into {@code dir} (which becomes a PYTHONPATH entry). */
    public static void extractTo(Path dir) throws IOException {
        for (String f : FILES) {
            Path out = dir.resolve(f);
            Files.createDirectories(out.getParent());
            try (InputStream in = PythonRuntime.class.getResourceAsStream("/org/pvrun/runtime/" + f)) {
                if (in == null) {
                    throw new IOException("missing resource org/pvrun/runtime/" + f);
                }
                Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    public static List<String> files() {
        return FILES;
    }
}
