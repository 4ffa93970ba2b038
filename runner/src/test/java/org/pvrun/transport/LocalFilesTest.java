package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing a folder tree that a job may still be writing in (a local run's scratch folder, the bench's data). */
class LocalFilesTest {

    @Test
    void scratchIsRemovedWhileAJobStillWritesInIt(@TempDir Path dir) throws Exception {
        // as a job ending after its last verdict does: files keep appearing in the scratch folder for a while
        Path work = Files.createDirectories(dir.resolve(".work/jobs/r1"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(Files.createDirectories(dir.resolve(".work/tasks/" + i)).resolve("out.txt"), "x");
        }
        Thread writer = new Thread(() -> {
            long end = System.nanoTime() + 300_000_000L;
            for (int i = 0; System.nanoTime() < end; i++) {
                try {
                    Files.writeString(work.resolve("job-" + i + ".exit"), "0");
                } catch (IOException gone) {
                    return; // the folder went: the job's writes fail from now on, as in a real job script
                }
            }
        });
        writer.start();
        assertTrue(LocalFiles.deleteTree(dir.resolve(".work"), Duration.ofSeconds(3)));
        writer.join();
        assertFalse(Files.exists(dir.resolve(".work")));
    }
}
