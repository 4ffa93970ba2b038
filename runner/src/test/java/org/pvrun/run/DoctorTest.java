package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

class DoctorTest {
    static final String NL = System.lineSeparator();

    @Test
    void aFixIsPrintedOnceWithItsFurtherLinesIndentedAndNeverRepeatsTheFinding() {
        assertEquals("  FAIL connect            Cannot connect to h:22" + NL
                        + "         fix: is the host right?" + NL
                        + "              (ssh config: /x/config)" + NL,
                Doctor.line("FAIL", "connect", "Cannot connect to h:22",
                        "Cannot connect to h:22\nis the host right?\n(ssh config: /x/config)"));
        assertEquals("  ok   pvbatch            5.11.0" + NL, Doctor.line("ok", "pvbatch", "5.11.0", null));
        assertEquals("  FAIL pvbatch            not found" + NL + "         fix: apt-get install paraview" + NL,
                Doctor.line("FAIL", "pvbatch", "not found", "apt-get install paraview\n"));
    }

    @Test
    void theSummaryCountsFailedAndSkippedApart() {
        Doctor.Check ok = new Doctor.Check("a", Doctor.Status.OK, "", null);
        Doctor.Check failed = new Doctor.Check("b", Doctor.Status.FAILED, "", "x");
        Doctor.Check skipped = new Doctor.Check("c", Doctor.Status.SKIPPED, "", null);
        assertEquals("all 2 checks passed", Doctor.summary(List.of(ok, ok)));
        assertEquals("1 check failed, 3 skipped", Doctor.summary(List.of(ok, failed, skipped, skipped, skipped)));
        assertEquals("2 checks failed", Doctor.summary(List.of(failed, failed, ok)));
    }

    @Test
    void anUnreachableTargetIsOneFailureAndTheRestSkipped(@TempDir Path tmp) throws IOException {
        Path targets = Files.writeString(tmp.resolve("targets.yaml"), "targets:\n  nowhere:\n    host: 127.0.0.1\n"
                + "    port: 1\n    user: nobody\n    known_hosts: " + tmp.resolve("known_hosts") + "\n    scheduler: slurm\n");
        Cli.Result r = Cli.run(Map.of("PVRUN_STATE", tmp.resolve("state").toString()),
                "doctor", "-t", "nowhere", "--targets", targets.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("pvrun doctor: target nowhere (ssh nobody@127.0.0.1:1, scheduler slurm)\n"
                + "  ok   targets file "), r.out());
        assertTrue(r.out().contains("  FAIL connect            Cannot connect to nobody@127.0.0.1:1: Connection refused"), r.out());
        assertTrue(r.out().contains("pvrun doctor: 1 check failed, 4 skipped"), r.out());
        String failLine = r.out().lines().filter(l -> l.startsWith("  FAIL connect")).findFirst().orElseThrow();
        String finding = failLine.substring("  FAIL connect            ".length());
        assertFalse(r.out().contains("fix: " + finding), "the fix repeats the finding:\n" + r.out());
        assertEquals(1, r.out().lines().filter(l -> l.contains("fix: ")).count(), r.out());
    }
}
