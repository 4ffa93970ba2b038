package org.pvrun.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArraySplitTest {

    @ParameterizedTest(name = "{0} jobs, {1} per array: {2} arrays, the last of {3} from {4}")
    @CsvSource({
            // jobs, perArray, arrays, size of the last, offset of the last
            "1, 0, 1, 1, 0",
            "12, 0, 1, 12, 0",
            "2500, 1001, 3, 498, 2002", // Slurm's default MaxArraySize
            "1001, 1001, 1, 1001, 0",
            "1002, 1001, 2, 1, 1001",
            "12, 5, 3, 2, 10",
            "3, 1, 3, 1, 2", // a limit of 1: every job an array of one (a plain job)
            "75000, 75000, 1, 75000, 0",
    })
    void splits(int jobs, int perArray, int arrays, int lastSize, int lastOffset) {
        ArraySplit s = new ArraySplit(jobs, perArray);
        assertEquals(arrays, s.arrays());
        assertEquals(lastSize, s.size(arrays - 1));
        assertEquals(lastOffset, s.offset(arrays - 1));
        int total = 0;
        for (int a = 0; a < s.arrays(); a++) {
            assertEquals(total, s.offset(a), "arrays follow each other without a gap");
            for (int i = 0; i < s.size(a); i++) {
                assertEquals(a, s.arrayOf(total + i));
                assertEquals(i, s.indexInArray(total + i));
            }
            total += s.size(a);
        }
        assertEquals(jobs, total, "every job is in exactly one array");
    }

    @Test
    void scriptsKeepTheFirstArraysName() {
        assertEquals("job.sh", ArraySplit.script(0));
        assertEquals("job.a1.sh", ArraySplit.script(1));
    }

    @Test
    void refusesWhatIsNotThere() {
        ArraySplit s = new ArraySplit(12, 5);
        assertThrows(IndexOutOfBoundsException.class, () -> s.size(3));
        assertThrows(IndexOutOfBoundsException.class, () -> s.arrayOf(12));
        assertThrows(IllegalArgumentException.class, () -> new ArraySplit(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new ArraySplit(3, -1));
    }
}
