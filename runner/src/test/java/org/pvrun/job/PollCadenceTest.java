package org.pvrun.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Young rounds are read sooner; never sooner than 0.25 s, never later than the interval. */
class PollCadenceTest {
    @ParameterizedTest
    @CsvSource({
        // interval ms, age ms, watched, nap ms
        "5000, 0,      false, 250",
        "5000, 1000,   false, 250",
        "5000, 4000,   false, 500",
        "5000, 16000,  false, 2000",
        "5000, 400000, false, 5000",
        "5000, 0,      true,  5000",
        "100,  0,      false, 100",
    })
    void naps(long interval, long age, boolean watched, long nap) {
        assertEquals(Duration.ofMillis(nap), new PollCadence(Duration.ofMillis(interval)).nap(Duration.ofMillis(age), watched));
    }

    @org.junit.jupiter.api.Test
    void intervalMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PollCadence(Duration.ZERO));
    }
}
