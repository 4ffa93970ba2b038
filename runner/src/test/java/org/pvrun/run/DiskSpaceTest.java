package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading df's answer, what files take on disk and the words for a shortfall (DiskSpace). */
class DiskSpaceTest {
    @Test
    void readsTheAvailableColumnOfDfP() {
        // GNU coreutils 9.1 on the test cluster (a 20 MiB tmpfs with 3 MiB used), then a long device name, which -P keeps on one line
        assertEquals(17408L * 1024, DiskSpace.parseDf("Filesystem     1024-blocks  Used Available Capacity Mounted on\n"
                + "tmpfs                20480  3072     17408      15% /home/pvci/disk\n"));
        assertEquals(81604378L * 1024, DiskSpace.parseDf("Filesystem                                         1024-blocks"
                + "      Used Available Capacity Mounted on\n/dev/mapper/very--long--volume--group--name-root  263174212 "
                + "168128520  81604378      68% /\n"));
        // BusyBox prints the same header with -P
        assertEquals(0L, DiskSpace.parseDf("Filesystem           1024-blocks    Used Available Capacity Mounted on\n"
                + "overlay                  1024      1024         0 100% /\n"));
    }

    @Test
    void refusesWhatIsNotOneDfLine() {
        assertNull(DiskSpace.parseDf(""));
        assertNull(DiskSpace.parseDf("df: /x: No such file or directory\n"));
        assertNull(DiskSpace.parseDf("Filesystem 1024-blocks Used Available Capacity Mounted on\n"));
        assertNull(DiskSpace.parseDf("Filesystem 1024-blocks Used Available Capacity Mounted on\na 1 2 lots 5% /\n"));
        assertNull(DiskSpace.parseDf("Filesystem 1024-blocks Used Available Capacity Mounted on\na 1 2 3 5% /\nb 1 2 3 5% /b\n"));
    }

    @ParameterizedTest
    @CsvSource({
            "'', 4096, 0",
            "0, 4096, 0",
            "1, 4096, 4096",
            "4096, 4096, 4096",
            "4097, 4096, 8192",
            "1;1;1, 4096, 12288",
            "10485760;10485760;10485760, 4096, 31457280",
            "1;512, 512, 1024",
    })
    void filesTakeWholeBlocks(String sizes, long block, long expected) {
        List<Long> list = sizes.isEmpty() ? List.of() : java.util.Arrays.stream(sizes.split(";")).map(Long::valueOf).toList();
        assertEquals(expected, DiskSpace.onDisk(list, block));
    }

    @Test
    void saysTheShortfallInTheUsersWords() {
        assertEquals("3 files need 30.0 MB and the results folder has 20.0 MB free",
                DiskSpace.shortfall(3, 30L << 20, "the results folder", 20L << 20));
        assertEquals("1 file needs 812 B and /w has 0 B free", DiskSpace.shortfall(1, 812, "/w", 0));
    }

    @Test
    void aLogSaysTheDiskFilledInTheLastAttempt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path log = dir.resolve("0001.log");
        assertFalse(DiskSpace.filledIn(log), "no log");
        java.nio.file.Files.writeString(log, "pvrun: the disk is full: removed the 1 files of this task\n");
        assertFalse(DiskSpace.filledIn(log), "pvrun's own line, nothing the task printed");
        java.nio.file.Files.writeString(log, "Traceback (most recent call last):\n  File \"fill.py\", line 3, in <module>\n"
                + "OSError: [Errno 28] No space left on device\n"
                + "pvrun: the disk is full: removed the 1 files of this task (20967424 bytes), which cannot be complete\n");
        assertTrue(DiskSpace.filledIn(log));
        java.nio.file.Files.writeString(log, "---- pvrun: attempt 2 ----\nRuntimeError: something else\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertFalse(DiskSpace.filledIn(log), "the disk filled in attempt 1, attempt 2 failed of something else");
        java.nio.file.Files.writeString(log, "\u001B[0m( 1.2s) vtkPNGWriter: write error: No space left on device\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertTrue(DiskSpace.filledIn(log));
    }

    @Test
    void evidenceIsIndentedAndCut() {
        assertEquals("  a\n  b", DiskSpace.evidence("a\nb\n", 12));
        assertEquals("  1\n  2\n  (3 more lines)", DiskSpace.evidence("1\n2\n3\n4\n5", 2));
    }
}
