package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The live contact sheet's choice of the frames it shows. */
class LiveSheetTest {
    @ParameterizedTest(name = "{0} frames done, {1} shown: {2}")
    @CsvSource(delimiter = '|', value = {
        "0   | 64 | ''",
        "3   | 64 | 0 1 2",
        "64  | 64 | first 0 last 63 count 64",
        "65  | 64 | first 0 last 64 count 64",
        "1200 | 64 | first 0 last 1199 count 64",
        "10  | 4  | 0 3 6 9",
    })
    void theSheetShowsEvenlySpacedFramesFirstAndLastAmongThem(int done, int n, String expected) {
        List<Integer> numbers = new ArrayList<>(IntStream.range(0, done).map(i -> done - 1 - i).boxed().toList());
        List<Integer> got = LiveSheet.sample(numbers, n);
        String said = expected.startsWith("first") ? "first " + got.get(0) + " last " + got.get(got.size() - 1)
                + " count " + got.size() : String.join(" ", got.stream().map(String::valueOf).toList());
        assertEquals(expected, said);
        assertEquals(got.stream().distinct().sorted().toList(), got);
    }
}
