package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"90s,90", "20m,1200", "1h30m,5400", "2d,172800", "01:30:00,5400", "1-00:00:00,86400", "0:00:05,5"})
    void parses(String text, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0s", "soon", "20", "1:2:3", "-5m", "5 m"})
    void rejects(String bad) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
    }

    @ParameterizedTest
    @CsvSource({"5400,01:30:00", "59,00:00:59", "90000,25:00:00"})
    void clock(long seconds, String expected) {
        assertEquals(expected, Durations.clock(Duration.ofSeconds(seconds)));
    }
}
