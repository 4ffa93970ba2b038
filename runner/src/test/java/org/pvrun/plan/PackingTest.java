package org.pvrun.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackingTest {
    @ParameterizedTest(name = "{0} tasks, per job {1}, {2} slots -> {3}")
    @CsvSource(delimiter = '|', value = {
        "12 |    | 2 | 6,6",
        "12 |    | 8 | 2,2,2,2,2,2",
        "24 |    | 2 | 12,12",
        "5  |    | 2 | 3,2",
        "1  |    | 8 | 1",
        "12 | 5  | 2 | 5,5,2",
        "3  | 10 | 2 | 3",
        "0  |    | 2 | ''",
    })
    void packsEvenlyOverTheSlots(int tasks, Integer perJob, int slots, String sizes) {
        List<Integer> idx = IntStream.range(0, tasks).boxed().toList();
        List<List<Integer>> jobs = Packing.pack(idx, perJob, slots);
        assertEquals(sizes, String.join(",", jobs.stream().map(j -> Integer.toString(j.size())).toList()));
        assertEquals(idx, jobs.stream().flatMap(List::stream).toList());
    }
}
