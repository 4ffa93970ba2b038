package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pvrun.testing.Cli;

/** {@code pvrun --version} with the real pvbatch (without one: {@link VersionTest}). */
@Tag("integration")
class VersionIT {

    @Test
    void realPvbatchReportsItsVersionAndPath() {
        Cli.Result r = Cli.run(Map.of("PVRUN_PVBATCH", "pvbatch"), "--version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().matches("(?s)pvrun \\S+\nParaView 5\\.11\\.0 \\(/\\S+/pvbatch\\)\nJava .*"), r.out());
    }
}
