package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a workdir is fit for the login user's runs, from what {@code ls -dLn} prints of it. */
class RemoteFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "fit", textBlock = """
            drwx------ 17 1001 1001 4096 Dec  2 18:39 /home/pvci/pvrun     | fit
            drwxr-xr-x. 2 1001 1001 4096 Dec  2 18:39 /scratch/u/pvrun     | fit
            drwxr-x---+ 2 1001 100 4096 Dec  2 18:39 /scratch/u/pvrun      | fit
            drwx------ 2 1002 1002 4096 Dec  2 18:39 /home/pvci/pvrun      | it belongs to uid 1002, not to the login user (uid 1001)
            drwxrwxr-x 2 1001 1001 4096 Dec  2 18:39 /home/pvci/pvrun      | its group can write to it (drwxrwxr-x)
            drwxr-xrwx 2 1001 1001 4096 Dec  2 18:39 /home/pvci/pvrun      | others can write to it (drwxr-xrwx)
            drwxrwxrwt 2 1001 1001 4096 Dec  2 18:39 /tmp/pvrun            | its group and others can write to it (drwxrwxrwt)
            -rw-r--r-- 1 1001 1001 0 Dec  2 18:39 /home/pvci/pvrun         | it is not a directory (-rw-r--r--)
            drwx                                                           | cannot read its owner and mode from ls -dLn: drwx
            """)
    void judgesOwnerAndMode(String ls, String why) {
        assertEquals(why, RemoteFiles.unfitDirectory(ls, "1001"));
    }

    /** The command itself, with this machine's sh and ls: the user's id, then one record per directory. */
    @Test
    void dirOwnersListsEachDirectoryOrNothingForAMissingOne() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Process p = new ProcessBuilder(List.of("sh", "-c", RemoteFiles.DIR_OWNERS, "sh", mine.toString(),
                dir.resolve("missing").toString(), open.toString())).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        String uid = out.substring(0, out.indexOf('\n'));
        String[] recs = out.substring(out.indexOf('\n') + 1).split("\0", -1);
        assertEquals(4, recs.length, out); // three records, each NUL-ended
        assertEquals(null, RemoteFiles.unfitDirectory(recs[0], uid));
        assertEquals("", recs[1]);
        assertEquals("its group and others can write to it (drwxrwxrwx)", RemoteFiles.unfitDirectory(recs[2], uid));
    }
}
