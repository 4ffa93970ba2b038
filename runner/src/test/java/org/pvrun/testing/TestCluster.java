package org.pvrun.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.transport.ssh.SshOptions;

/**
 * The test cluster started by {@code scripts/testcluster/start} (munge, Slurm, a login sshd, a jump host
 * and an inner host reachable only through it), described by its {@code cluster.env}
 * ({@code PVRUN_TESTCLUSTER_ENV} overrides the path). When it is absent the tests are skipped, unless
 * {@code PVRUN_REQUIRE_CLUSTER} is set (as in CI), in which case they fail.
 */
public final class TestCluster {
    public static final Path DEFAULT_ENV = Path.of("/tmp/pvrun-testcluster/cluster.env");

    private final Map<String, String> values;

    private TestCluster(Map<String, String> values) {
        this.values = values;
    }

    public static TestCluster require() {
        Path file = Path.of(System.getenv().getOrDefault("PVRUN_TESTCLUSTER_ENV", DEFAULT_ENV.toString()));
        if (!Files.isRegularFile(file)) {
            String msg = "test cluster not available: " + file + " is missing (start it with scripts/testcluster/start)";
            if (System.getenv("PVRUN_REQUIRE_CLUSTER") != null) {
                fail(msg + "; PVRUN_REQUIRE_CLUSTER is set, so this is an error");
            }
            assumeTrue(false, msg);
        }
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                int eq = l.indexOf('=');
                if (l.isEmpty() || l.startsWith("#") || eq < 0) {
                    continue;
                }
                String v = l.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                values.put(l.substring(0, eq).strip(), v);
            }
        } catch (IOException e) {
            fail("cannot read " + file + ": " + e);
        }
        return new TestCluster(values);
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            fail("cluster.env has no " + key);
        }
        return v;
    }

    public Path path(String key) {
        return Path.of(get(key));
    }

    public int port(String key) {
        return Integer.parseInt(get(key));
    }

    /**
     * Writes a targets file with the cluster's targets: {@code ci-slurm} (SSH to the login node, Slurm),
     * {@code ci-slurm-2nodes} (the same, on the partition of the two namespace nodes node1 and node2),
     * {@code ci-module} (ci-slurm whose pvbatch, pvbatch-5.11.0, is on PATH only after its setup line
     * {@code module load paraview/5.11.0}), {@code ci-module-missing} (its setup line loads a module that does not exist),
     * {@code ci-sge} (SSH to the login node, Grid Engine),
     * {@code ci-ssh} (SSH, no scheduler), {@code ci-jump} (the inner host through the jump host, Slurm),
     * {@code ci-local-slurm} (this machine's sbatch).
     */
    public Path targetsFile(Path dir, String knownHosts) throws IOException {
        String ssh = "    user: " + get("SSH_USER") + "\n"
                + "    identity: " + get("KEY") + "\n"
                + "    known_hosts: " + knownHosts + "\n"
                + "    workdir: " + get("WORKDIR") + "\n"
                + "    display: xvfb\n"
                + "    poll: 1s\n";
        String slurm = "    scheduler: slurm\n"
                + "    resources: {partition: " + get("PARTITION") + ", time: \"00:10:00\"}\n";
        String text = "targets:\n"
                + "  ci-slurm:\n    host: " + get("LOGIN_HOST") + "\n    port: " + get("LOGIN_PORT") + "\n" + ssh + slurm
                + "  ci-slurm-2nodes:\n    host: " + get("LOGIN_HOST") + "\n    port: " + get("LOGIN_PORT") + "\n" + ssh
                + "    scheduler: slurm\n"
                + "    resources: {partition: " + get("MULTI_PARTITION") + ", time: \"00:10:00\"}\n"
                + "  ci-module:\n    host: " + get("LOGIN_HOST") + "\n    port: " + get("LOGIN_PORT") + "\n" + ssh + slurm
                + "    setup: [\"module load paraview/5.11.0\"]\n    pvbatch: pvbatch-5.11.0\n"
                + "  ci-module-missing:\n    host: " + get("LOGIN_HOST") + "\n    port: " + get("LOGIN_PORT") + "\n" + ssh
                + slurm + "    setup: [\"module load paraview/9.9\"]\n"
                + "  ci-sge:\n    host: " + get("LOGIN_HOST") + "\n    port: " + get("LOGIN_PORT") + "\n" + ssh
                + "    scheduler: sge\n    resources: {partition: " + get("SGE_QUEUE") + ", time: \"00:10:00\"}\n"
                + "  ci-ssh:\n    host: " + get("LOGIN_HOST") + "\n    port: " + get("LOGIN_PORT") + "\n" + ssh
                + "    scheduler: none\n"
                + "  ci-jump:\n    host: " + get("INNER_HOST") + "\n    port: " + get("INNER_PORT") + "\n"
                + "    jump: [" + get("SSH_USER") + "@" + get("JUMP_HOST") + ":" + get("JUMP_PORT") + "]\n" + ssh + slurm
                + "  ci-local-slurm:\n    workdir: " + dir.resolve("local-slurm-work") + "\n    display: xvfb\n"
                + "    poll: 1s\n" + slurm;
        Path file = dir.resolve("targets.yaml");
        Files.writeString(file, text);
        return file;
    }

    /**
     * Puts the executables of {@code tools} (name → script text) first on the PATH of the test user's ssh
     * commands until closed: a host whose tools misbehave, a submission whose answer is lost. Through the
     * hook in the user's ~/.bashrc (scripts/testcluster/lmod.sh), which reads {@code ~/.pvrun-test-path}.
     */
    public AutoCloseable remotePath(Map<String, String> tools) throws IOException {
        Path bin = Files.createTempDirectory("pvrun-remote-bin");
        Files.setPosixFilePermissions(bin, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Map.Entry<String, String> tool : tools.entrySet()) {
            Path f = bin.resolve(tool.getKey());
            Files.writeString(f, tool.getValue());
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path hook = Path.of(get("TEST_HOME"), ".pvrun-test-path");
        Files.writeString(hook, bin + "\n");
        return () -> {
            Files.deleteIfExists(hook);
            org.apache.commons.io.FileUtils.deleteDirectory(bin.toFile());
        };
    }

    /** The login node, reached directly, strict host key checking against the cluster's known_hosts. */
    public SshOptions login() {
        return new SshOptions(get("LOGIN_HOST"), port("LOGIN_PORT"), get("SSH_USER"), List.of(path("KEY")),
                path("KNOWN_HOSTS"), List.of(), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public String jumpHop() {
        return get("SSH_USER") + "@" + get("JUMP_HOST") + ":" + get("JUMP_PORT");
    }

    /** The inner host, which only the jump host can reach. */
    public SshOptions innerViaJump() {
        return new SshOptions(get("INNER_HOST"), port("INNER_PORT"), get("SSH_USER"), List.of(path("KEY")),
                path("KNOWN_HOSTS"), List.of(jumpHop()), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** The name the login node has in known_hosts: {@code [host]:port}, or just the host on port 22. */
    public String loginKnownHostsName() {
        return port("LOGIN_PORT") == 22 ? get("LOGIN_HOST") : "[" + get("LOGIN_HOST") + "]:" + get("LOGIN_PORT");
    }

    /**
     * A known_hosts in {@code dir} that gives the login node other keys (fresh ones, of every type it offers), as
     * if its keys had changed or someone stood in between.
     */
    public Path knownHostsWithOtherKeys(Path dir) throws IOException, InterruptedException {
        StringBuilder lines = new StringBuilder();
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            Path key = dir.resolve("fake_" + type);
            Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                fail("ssh-keygen -t " + type + " failed");
            }
            String[] pub = Files.readString(Path.of(key + ".pub")).split(" ");
            lines.append(loginKnownHostsName()).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
        }
        return Files.writeString(dir.resolve("known_hosts_changed"), lines);
    }

    public Path targetsFile(Path dir) throws IOException {
        return targetsFile(dir, get("KNOWN_HOSTS"));
    }
}
