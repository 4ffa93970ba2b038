package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.results.Manifest;
import org.pvrun.spec.DataRef;
import org.pvrun.spec.Located;
import org.pvrun.spec.Target;
import org.pvrun.transport.LocalTransport;

/** Data in place: the listing script run by a real shell, its parser, link names, and what counts as a change. */
class DataInPlaceTest {
    static final Located AT = new Located("p.yaml", 4, 5);

    static DataRef ref(String path) {
        return new DataRef(path, null, false, AT);
    }

    static Target localWithRoot(String root) {
        Target l = Target.local();
        return new Target(l.name(), l.host(), l.port(), l.user(), l.identity(), l.jump(), l.knownHosts(), l.scheduler(),
                l.workdir(), l.setup(), l.launcher(), l.pvbatch(), l.display(), l.poll(), l.resources(), l.env(),
                l.transport(), root);
    }

    @Test
    void globsAreExpandedByTheTargetsShellWithSpacesKeptAndNothingRunFromANAME(@TempDir Path d) throws Exception {
        Files.createDirectories(d.resolve("run 42"));
        Files.writeString(d.resolve("run 42/a.vtu"), "a");
        Files.writeString(d.resolve("run 42/b.vtu"), "bb");
        Files.writeString(d.resolve("mesh.exo"), "mesh");
        // a name that would run a command if the pattern were pasted into the script
        Files.writeString(d.resolve("$(touch pwned).vtu"), "x");
        List<Manifest.DataRecord> r = DataInPlace.resolve(new LocalTransport(), localWithRoot(d.toString()),
                List.of(ref("run 42/*.vtu"), new DataRef(d + "/mesh.exo", "m.exo", true, AT), ref("$(touch pwned).vtu")),
                Set.of());
        assertEquals(List.of("a.vtu", "b.vtu", "m.exo", "$(touch pwned).vtu"), r.stream().map(Manifest.DataRecord::name).toList());
        assertEquals(d + "/run 42/b.vtu", r.get(1).path());
        assertEquals(2, r.get(1).bytes());
        assertEquals(org.pvrun.util.Hashes.sha256(d.resolve("mesh.exo")), r.get(2).sha256());
        assertNull(r.get(0).sha256());
        assertTrue(Files.notExists(d.resolve("pwned")), "a data path ran as a command");
    }

    @Test
    void nothingMatchingAndNoDataRootAreRefusedWithExit2(@TempDir Path d) {
        PvrunException none = assertThrows(PvrunException.class, () -> DataInPlace.resolve(new LocalTransport(),
                localWithRoot(d.toString()), List.of(ref("sim/*.vtu")), Set.of()));
        assertEquals(ExitCode.INVALID_INPUT, none.exitCode());
        assertEquals("p.yaml:4:5: data 'sim/*.vtu' matches nothing on local (looked for " + d + "/sim/*.vtu)\n"
                + "nothing was submitted", none.getMessage());
        PvrunException noRoot = assertThrows(PvrunException.class, () -> DataInPlace.resolve(new LocalTransport(),
                Target.local(), List.of(ref("sim/a.vtu")), Set.of()));
        assertTrue(noRoot.getMessage().contains("is relative, but target local sets no data_root"), noRoot.getMessage());
    }

    @Test
    void twoFilesOfOneNameOrAnInputsNameAreRefused() {
        List<DataInPlace.Listed> same = List.of(new DataInPlace.Listed(ref("/a/*.vtu"), "/a/x.vtu", 1, 0, "file"),
                new DataInPlace.Listed(ref("/b/*.vtu"), "/b/x.vtu", 1, 0, "file"));
        PvrunException e = assertThrows(PvrunException.class, () -> DataInPlace.records(same, Map.of(), Set.of()));
        assertTrue(e.getMessage().contains("two data files would both be named 'x.vtu' in the task folder: /a/x.vtu and /b/x.vtu"),
                e.getMessage());
        PvrunException input = assertThrows(PvrunException.class, () -> DataInPlace.records(same.subList(0, 1), Map.of(),
                Set.of("x.vtu")));
        assertTrue(input.getMessage().contains("which an input or pvrun already uses"), input.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "F\t0\t12 1700000000 regular file   | listed",
        "F\t0\t12 1700000000                | unexpected answer",
        "X\t0\t/a                           | unexpected answer",
        "F\t7\t12 1700000000 regular file   | unexpected answer",
        "U\t0\t/a/x.vtu                     | /a/x.vtu on t cannot be read",
    })
    void theListingIsReadOrRefused(String line, String expected) {
        String out = line.strip().replace("\\t", "\t") + (line.startsWith("F\t0\t12 1700000000 regular") ? "\t/a/x.vtu" : "");
        if (expected.equals("listed")) {
            assertEquals(1, DataInPlace.parse(out, List.of(ref("/a/*.vtu")), "t").size());
        } else {
            PvrunException e = assertThrows(PvrunException.class, () -> DataInPlace.parse(out, List.of(ref("/a/*.vtu")), "t"));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
        "step_1/step_1_0.vtu, step_1",
        "step_1_0.vtu, step_1_0.vtu",
        "/abs/p.vtu, null",
        "../up/p.vtu, null",
        "./p.vtu, null",
        "'', null",
    })
    void aPiecesRelativeNameLinksItsFirstPart(String source, String expected) {
        assertEquals(expected, DataInPlace.pieceRoot(source));
    }

    @Test
    void touchedResizedRehashedGoneAndNewFilesAreChanges() {
        Manifest.DataRecord a = new Manifest.DataRecord("a", "/d/a", "file", 10, "2026-01-01T00:00:00Z", "h1");
        Manifest.DataRecord b = new Manifest.DataRecord("b", "/d/b", "file", 10, "2026-01-01T00:00:00Z", null);
        assertEquals(List.of(), DataInPlace.changes(List.of(a, b), List.of(a, b)));
        assertEquals(List.of("/d/a: modified 2026-02-01T00:00:00Z (then 2026-01-01T00:00:00Z)"), DataInPlace.changes(
                List.of(a), List.of(new Manifest.DataRecord("a", "/d/a", "file", 10, "2026-02-01T00:00:00Z", "h1"))));
        assertEquals(List.of("/d/a: its SHA-256 differs"), DataInPlace.changes(List.of(a),
                List.of(new Manifest.DataRecord("a", "/d/a", "file", 10, "2026-01-01T00:00:00Z", "h2"))));
        assertEquals(List.of("/d/b: 10 bytes then, 11 now"), DataInPlace.changes(List.of(b),
                List.of(new Manifest.DataRecord("b", "/d/b", "file", 11, "2026-01-01T00:00:00Z", null))));
        assertEquals(List.of("/d/b: no longer there", "/d/c: new (a glob matches it now)"), DataInPlace.changes(List.of(b),
                List.of(new Manifest.DataRecord("c", "/d/c", "file", 1, "2026-01-01T00:00:00Z", null))));
    }
}
