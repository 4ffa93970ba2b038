package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The tasks' frame logs as the target lists them: whole lines only, each under its own task, nothing outside. */
class FrameLogsTest {
    @Test
    void eachLogGivesItsWholeLinesToItsOwnTask() {
        String listing = "F 0000.fdone\n0 frames/x.0000.png\n1 frames/x.0001.png\n\nE\n"
                + "F 0001.fdone\n12 frames/x.0012.png\n13 frames/x.00\nE\n"          // its last line half-written
                + "F junk\n7 frames/y.png\n\nE\n"                                       // no task's log
                + "F 0002.fdone\n20 ../../etc/passwd\n21 /abs/x.png\n22 ./frames/./x.0022.png\nnot a frame\n\nE\n"
                + "F 0003.fdone\n\nE\n";                                                 // empty
        assertEquals(Map.of("0000", Map.of(0, "frames/x.0000.png", 1, "frames/x.0001.png"),
                "0001", Map.of(12, "frames/x.0012.png"),
                "0002", Map.of(22, "frames/x.0022.png"),
                "0003", Map.of()), FrameLogs.parse(listing));
    }

    @Test
    void theListingTheShellMakesIsParsedBackWhateverTheLogsEndWith() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fdone");
        try {
            java.nio.file.Path status = java.nio.file.Files.createDirectories(dir.resolve("status"));
            java.nio.file.Files.writeString(status.resolve("0000.fdone"), "0 frames/a.0000.png\n1 frames/a.00");
            java.nio.file.Files.writeString(status.resolve("0001.fdone"), "5 frames/a.0005.png\n");
            Process p = new ProcessBuilder("sh", "-c", FrameLogs.LIST, "sh", dir.toString()).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor());
            assertEquals(Map.of("0000", Map.of(0, "frames/a.0000.png"), "0001", Map.of(5, "frames/a.0005.png")),
                    FrameLogs.parse(out));
        } finally {
            org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
        }
    }
}
