package org.pvrun.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The manifest's words and the enum, both ways; an unknown word is never a success. */
class TaskStatusTest {
    @ParameterizedTest
    @CsvSource({"succeeded, SUCCEEDED", "failed, FAILED", "cancelled, CANCELLED", "Succeeded, FAILED", "'', FAILED"})
    void words(String word, TaskStatus status) {
        assertEquals(status, TaskStatus.of(word));
        if (status.word().equals(word)) {
            assertEquals(word, status.word());
        }
    }
}
