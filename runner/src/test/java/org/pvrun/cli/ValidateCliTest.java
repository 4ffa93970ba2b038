package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

/** {@code pvrun validate} catches what would fail every task, and a mistyped spec name gets a suggestion. */
class ValidateCliTest {
    @TempDir
    Path tmp;

    @Test
    void aScriptWithASyntaxErrorIsExit2AtItsLine() throws Exception {
        Files.writeString(tmp.resolve("s.py"), "from paraview.simple import *\nContour(Input=Wavelet()\nRender()\n");
        Path spec = Files.writeString(tmp.resolve("slicer.yaml"), "name: slicer\nscript: s.py\n");
        Cli.Result r = Cli.run("validate", spec.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(tmp.resolve("s.py") + ":2:8: SyntaxError: "), r.err());
        Files.writeString(tmp.resolve("s.py"), "from paraview.simple import *\nContour(Input=Wavelet())\n");
        Cli.Result ok = Cli.run("validate", spec.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
    }

    @Test
    void aMissingSpecSuggestsTheOneBesideIt() throws Exception {
        Files.writeString(tmp.resolve("s.py"), "pass\n");
        Files.writeString(tmp.resolve("slicer.yaml"), "name: slicer\nscript: s.py\n");
        Cli.Result r = Cli.run("validate", tmp.resolve("slicer.yml").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no such file; did you mean " + tmp.resolve("slicer.yaml") + "?"), r.err());
        Cli.Result none = Cli.run("validate", tmp.resolve("other.yml").toString());
        assertTrue(none.err().contains("no such file") && !none.err().contains("did you mean"), none.err());
    }
}
