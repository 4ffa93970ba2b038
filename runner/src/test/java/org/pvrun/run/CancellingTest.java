package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A cancel says what it cancelled in one line, however many jobs the run had. */
class CancellingTest {
    @ParameterizedTest(name = "{0} jobs -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1    | pvrun: cancelled job 100 (confirmed by squeue)",
        "2    | pvrun: cancelled jobs 100, 101 (confirmed by squeue)",
        "10   | pvrun: cancelled jobs 100, 101, 102, 103, 104, 105, 106, 107, 108, 109 (confirmed by squeue)",
        "11   | pvrun: cancelled 11 jobs: 100, 101, 102, ... 110 (confirmed by squeue)",
        "8000 | pvrun: cancelled 8000 jobs: 100, 101, 102, ... 8099 (confirmed by squeue)",
    })
    void aConfirmedCancelIsOneShortLine(int jobs, String expected) {
        assertEquals(expected, Cancelling.Outcome.confirmed(ids(jobs), "squeue").line());
    }

    @ParameterizedTest(name = "{0} jobs")
    @CsvSource({"1", "11", "8000"})
    void anUnconfirmedCancelGivesTheWholeCommand(int jobs) {
        List<String> command = java.util.stream.Stream.concat(java.util.stream.Stream.of("scancel"), ids(jobs).stream()).toList();
        String line = Cancelling.Outcome.failed(ids(jobs), "squeue failed\nexit 1", command).line();
        assertEquals(3, line.lines().count(), line);
        assertEquals("    exit 1)", line.lines().toList().get(1));
        assertEquals("    cancel by hand on the target: " + String.join(" ", command), line.lines().toList().get(2));
    }

    private static List<String> ids(int n) {
        return IntStream.range(100, 100 + n).mapToObj(String::valueOf).toList();
    }
}
