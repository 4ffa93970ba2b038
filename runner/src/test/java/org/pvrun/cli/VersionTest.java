package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pvrun.testing.Cli;

/** {@code pvrun --version}: pvrun's version and the local ParaView's; a missing pvbatch is an answer, not an error. */
class VersionTest {

    @Test
    void missingPvbatchIsReportedWithHowToInstallAndExits0() {
        Cli.Result r = Cli.run(Map.of("PVRUN_PVBATCH", "/nonexistent/pvbatch"), "--version");
        assertEquals(0, r.exitCode(), r.toString());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("pvrun "), r.out());
        assertTrue(lines[1].startsWith("ParaView: not found (PVRUN_PVBATCH=/nonexistent/pvbatch"), r.out());
        assertTrue(lines[1].contains("apt-get install paraview"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void nothingOnPathIsReportedToo() {
        Cli.Result r = Cli.run(Map.of("PVRUN_PVBATCH", "", "PATH", "/nonexistent"), "-V");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ParaView: not found (pvbatch not found on PATH"), r.out());
    }

    @Test
    void aPvbatchThatCannotTellItsVersionIsReportedToo() {
        Cli.Result r = Cli.run(Map.of("PVRUN_PVBATCH", "/bin/true"), "--version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ParaView: unknown (cannot tell the version of /bin/true"), r.out());
    }
}
