package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;

class ParaViewVersionsTest {

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
        "5.11.0,     5.11.0,     true",
        "5.11.0,     5.11.2,     true",
        "5.11.0,     5.11,       true",
        "5.11.2-RC1, 5.11.0,     true",
        "5.11.0,     5.9.0,      false",
        "5.11.0,     5.1.1,      false",
        "5.10.1,     5.11.0,     false",
        "6.0.0,      5.11.0,     false",
        "5.11.0,     garbage,    false",
    })
    void sameMajorMinorIsCompatible(String client, String server, boolean expected) {
        assertEquals(expected, ParaViewVersions.compatible(client, server));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "pvbatch,                    pvserver",
        "/opt/pv-5.11/bin/pvbatch,   /opt/pv-5.11/bin/pvserver",
        "/usr/bin/pvbatch-mpi,       pvserver",
    })
    void pvserverBesidePvbatch(String pvbatch, String expected, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("targets.yaml"),
                "targets:\n  t:\n    host: h\n    scheduler: slurm\n    pvbatch: " + pvbatch + "\n");
        Target t = new TargetsLoader().load(file, Map.of()).get("t");
        assertEquals(expected, ParaViewVersions.pvserver(t));
    }
}
