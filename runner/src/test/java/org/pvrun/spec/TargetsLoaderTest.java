package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pvrun.ExitCode;

/** The targets file: a full example, and a table of mistakes (src/test/resources/targets/bad.tsv). */
class TargetsLoaderTest {
    static final Path DIR = Path.of("src/test/resources/targets");
    static final Map<String, String> ENV = Map.of("HOME", "/home/jdoe");

    @Test
    void everyKeyIsRead() {
        Map<String, Target> all = new TargetsLoader().load(DIR.resolve("good.yaml"), ENV);
        Target t = all.get("hopper");
        assertEquals("hopper.example.edu", t.host());
        assertEquals(2200, t.port());
        assertEquals("jdoe", t.user());
        // ~ in SSH files is the password database's home, as OpenSSH reads it, not $HOME (/home/jdoe here)
        String sshHome = System.getProperty("user.home");
        assertEquals(sshHome + "/.ssh/id_ed25519", t.identity());
        assertEquals(List.of("jdoe@bastion.example.edu", "gate:2222"), t.jump());
        assertEquals(sshHome + "/.ssh/known_hosts", t.knownHosts());
        assertEquals("slurm", t.scheduler());
        assertEquals("srun", t.launcher());
        assertEquals("/scratch/jdoe/pvrun", t.workdir());
        assertEquals(List.of("module load paraview/5.11.0"), t.setup());
        assertEquals("pvbatch-mpi", t.pvbatch());
        assertEquals(Display.OFFSCREEN, t.display());
        assertEquals(Duration.ofSeconds(30), t.poll());
        assertEquals("8G", t.resources().get("memory"));
        assertEquals(Map.of("OMP_NUM_THREADS", "1"), t.env());
        assertEquals(new Target.Keepalive(Duration.ofSeconds(15), 4), t.keepalive());
        assertEquals(Duration.ofMinutes(1), t.keepalive().window());
        Target pbs = all.get("login-node");
        assertNull(pbs.keepalive(), "none: ~/.ssh/config's, or 30 s and 3");
        assertNull(pbs.host());
        assertEquals("pbs", pbs.scheduler());
        assertEquals("mpiexec", pbs.launcher());
        assertEquals(Duration.ofSeconds(10), pbs.poll());
    }

    static Stream<Arguments> mistakes() throws IOException {
        return Files.readAllLines(DIR.resolve("bad.tsv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t"))
                .map(f -> Arguments.of(f[0], f[1].replace("\\n", "\n"), f[2]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void mistakesAreRefusedWithPlaceAndReason(String name, String yaml, String expected, @TempDir Path dir)
            throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml + "\n");
        SpecException e = assertThrows(SpecException.class, () -> new TargetsLoader().load(file, ENV));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(file + ":" + expected), "expected '" + expected + "' in:\n" + e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"), "a secret was echoed: " + e.getMessage());
    }

    @Test
    void fileIsFoundByOptionThenEnvironmentThenHome(@TempDir Path home) throws IOException {
        Path opt = home.resolve("opt.yaml");
        assertEquals(opt, TargetsLoader.locate(opt, Map.of("PVRUN_TARGETS", "/env.yaml")));
        assertEquals(Path.of("/env.yaml"), TargetsLoader.locate(null, Map.of("PVRUN_TARGETS", "/env.yaml")));
        assertNull(TargetsLoader.locate(null, Map.of("HOME", home.toString())));
        Path def = home.resolve(".config/pvrun/targets.yaml");
        Path xdg = home.resolve("xdg/pvrun/targets.yaml");
        Files.createDirectories(xdg.getParent());
        Files.writeString(xdg, "targets: {}\n");
        assertEquals(xdg, TargetsLoader.locate(null, Map.of("HOME", "/nowhere", "XDG_CONFIG_HOME", home.resolve("xdg").toString())));
        Files.createDirectories(def.getParent());
        Files.writeString(def, "targets: {}\n");
        assertEquals(def, TargetsLoader.locate(null, Map.of("HOME", home.toString())));
    }

    @Test
    void specMayDefineItsTargetInline(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("s.py"), "");
        Files.writeString(dir.resolve("p.yaml"), "name: p\nscript: s.py\ntarget:\n  host: login1\n  scheduler: pbs\n");
        PipelineSpec s = new SpecLoader().load(dir.resolve("p.yaml"), Map.of(), ENV);
        assertEquals("inline", s.target());
        assertEquals("login1", s.inlineTarget().host());
        assertEquals("pbs", s.inlineTarget().scheduler());
    }

    @Test
    void inlineTargetSecretsAreRefusedToo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("s.py"), "");
        Files.writeString(dir.resolve("p.yaml"), "name: p\nscript: s.py\ntarget:\n  host: login1\n  password: x\n");
        SpecException e = assertThrows(SpecException.class, () -> new SpecLoader().load(dir.resolve("p.yaml"), Map.of(), ENV));
        assertTrue(e.getMessage().contains("p.yaml:5:3: 'password': pvrun never reads passwords"), e.getMessage());
    }
}
