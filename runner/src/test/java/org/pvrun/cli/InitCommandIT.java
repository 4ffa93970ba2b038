package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;
import org.pvrun.testing.Images;

/** {@code pvrun init NAME}: the starter pipeline really renders with pvbatch (the rest: {@link InitCommandTest}). */
@Tag("integration")
class InitCommandIT {

    @Test
    void starterPipelineRendersWithPvbatch(@TempDir Path dir) throws IOException {
        assertEquals(0, Cli.run("init", "starter", "--dir", dir.toString()).exitCode());
        Path results = dir.resolve("results");
        Cli.Result r = Cli.run("run", dir.resolve("starter.yaml").toString(), "-o", results.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Path png;
        try (Stream<Path> s = Files.walk(results)) {
            png = s.filter(p -> p.getFileName().toString().equals("starter.png")).findFirst().orElseThrow(
                    () -> new AssertionError("no starter.png under " + results + "\n" + r));
        }
        BufferedImage img = Images.read(png);
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
        assertTrue(Images.distinctColours(img, 1000) > 100, "looks blank: " + png);
        assertTrue(Images.luminanceVariance(img) > 10, "looks blank: " + png);
    }
}
