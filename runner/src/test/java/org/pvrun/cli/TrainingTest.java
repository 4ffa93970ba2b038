package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.pvrun.testing.Repo;

/**
 * The class-data archive's training run: every step succeeds (a broken step would leave the archive without
 * the classes of a real run, and the launcher would not say so), and it leaves nothing behind.
 */
class TrainingTest {

    @Test
    void theDryRunAndBothLocalRunsSucceedAndNothingIsLeft() throws Exception {
        Set<String> before = trainingDirs();
        List<Integer> codes = Training.train(Repo.pipeline("quickstart.yaml"));
        assertEquals(List.of(0, 0, 0), codes, "exit status of the dry run and of the two local runs");
        assertEquals(before, trainingDirs(), "temporary folders left in " + tmp());
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static Set<String> trainingDirs() throws Exception {
        try (Stream<Path> s = Files.list(tmp())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pvrun-training-"))
                    .collect(Collectors.toSet());
        }
    }
}
