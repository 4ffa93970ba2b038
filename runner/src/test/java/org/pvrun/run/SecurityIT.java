package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.results.ManifestIO;
import org.pvrun.testing.Cli;
import org.pvrun.testing.TestCluster;
import org.pvrun.util.Shell;

/**
 * Security through the whole command line, against the test cluster: secrets never written, private run
 * directories, outputs fetched only from inside the run directory, host keys always checked.
 */
@Tag("integration")
class SecurityIT {
    @TempDir
    Path dir;
    TestCluster cluster;

    @BeforeEach
    void requireCluster() {
        cluster = TestCluster.require();
    }

    // ---------------------------------------------------------------- secrets

    /**
     * An encrypted key, its passphrase typed at pvrun's prompt on a terminal, and a secret in pvrun's environment:
     * neither appears in anything the run wrote, here or on the target, nor in what pvrun printed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ci-ssh", "ci-slurm"})
    void secretsAppearInNothingTheRunWrites(String target) throws Exception {
        String passphrase = cluster.get("KEY_ENC_PASSPHRASE");
        String token = "tok-" + java.util.UUID.randomUUID();
        Path targets = cluster.targetsFile(dir);
        Files.writeString(targets, Files.readString(targets).replace(cluster.get("KEY"), cluster.get("KEY_ENC")));
        Files.writeString(dir.resolve("env.py"), "import json, os\n"
                + "json.dump(dict(os.environ), open('env.json', 'w'))\nprint(sorted(os.environ))\n");
        Files.writeString(dir.resolve("env.yaml"), "name: secrets\nscript: env.py\nparams: {a: 1}\n");
        Path results = dir.resolve("results");
        Path state = dir.resolve("state");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PVRUN_STATE", state.toString());
        env.put("AWS_SECRET_ACCESS_KEY", token);
        env.remove("SSH_AUTH_SOCK"); // the passphrase must be typed, not come from an agent
        Terminal t = Terminal.run(List.of("run", dir.resolve("env.yaml").toString(), "-t", target, "--targets",
                targets.toString(), "-o", results.toString(), "--verbose"), env, "Passphrase for", passphrase);
        assertEquals(0, t.exitCode(), t.output());
        assertTrue(t.prompts() >= 1, "pvrun never asked for the passphrase:\n" + t.output());
        Path output = Files.writeString(dir.resolve("terminal.txt"), t.output());

        Path runDir = LocalPipelinesIT.onlyRun(results.resolve("secrets"));
        JsonNode m = ManifestIO.JSON.readTree(runDir.resolve("manifest.json").toFile());
        Path remoteDir = Path.of(m.get("remote_dir").asText()); // the target's disk is this machine's
        // the script really ran there and saw its environment: the token is not in it because pvrun did not send it
        assertTrue(Files.readString(runDir.resolve("tasks/0000/env.json")).contains("\"HOME\""));
        // and what the commands that read a run write or print: the report, status, logs
        StringBuilder printed = new StringBuilder();
        for (List<String> command : List.of(List.of("report", runDir.toString()), List.of("status", "--json", runDir.toString()),
                List.of("logs", runDir.toString()))) {
            Cli.Result c = Cli.run(Map.of("PVRUN_STATE", state.toString()), command.toArray(String[]::new));
            assertEquals(0, c.exitCode(), command + "\n" + c);
            printed.append(c.out()).append(c.err());
        }
        assertTrue(Files.exists(runDir.resolve("report.html")));
        Path commands = Files.writeString(dir.resolve("commands.txt"), printed);
        List<Path> written = List.of(results, state, remoteDir, output, commands);
        for (String secret : List.of(passphrase, token)) {
            assertEquals(List.of(), filesContaining(written, secret), "a secret was written");
        }
        // the search itself finds what is there
        assertEquals(List.of(output), filesContaining(written, "Passphrase for"));
    }

    /** Files below the roots whose bytes contain {@code needle} (as UTF-8). */
    static List<Path> filesContaining(List<Path> roots, String needle) throws IOException {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    if (bytes.contains(new String(n, StandardCharsets.ISO_8859_1))) {
                        found.add(f);
                    }
                }
            }
        }
        return found;
    }

    /** pvrun in its own JVM on a pseudo-terminal ({@code script}), answering each prompt it prints. */
    record Terminal(int exitCode, String output, int prompts) {
        static Terminal run(List<String> pvrunArgs, Map<String, String> env, String prompt, String answer)
                throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.pvrun.cli.Main"));
            command.addAll(pvrunArgs);
            ProcessBuilder pb = new ProcessBuilder("timeout", "180", "script", "-qefc", Shell.join(command), "/dev/null")
                    .redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            int answered = 0;
            try (InputStream in = p.getInputStream(); OutputStream keys = p.getOutputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    seen.write(buf, 0, n);
                    // answer only once the prompt is shown: the terminal no longer echoes what is typed then
                    String text = seen.toString(StandardCharsets.UTF_8);
                    int asked = text.split(Pattern.quote(prompt), -1).length - 1;
                    for (; answered < asked; answered++) {
                        keys.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                        keys.flush();
                    }
                }
            }
            return new Terminal(p.waitFor(), seen.toString(StandardCharsets.UTF_8), answered);
        }
    }

    // ---------------------------------------------------------------- permissions

    /**
     * The run directory is 0700 wherever the job runs (the script looks at it from inside); on the target,
     * files the job writes follow the umask its setup sets (027 here), and staged files that of the SSH login.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "ci-ssh"})
    void runDirectoriesArePrivateAndFilesFollowTheUmask(String target) throws Exception {
        Files.writeString(dir.resolve("modes.py"), "import os, stat\n"
                + "os.makedirs('sub')\nopen('sub/out.txt', 'w').write('x')\n"
                + "open('run-dir-mode.txt', 'w').write(oct(stat.S_IMODE(os.stat('../..').st_mode)))\n");
        String spec = "name: modes\nscript: modes.py\n";
        if (!target.equals("local")) {
            // the cluster's login target with a setup line; the SSH login's own umask stays as the host sets it
            spec += "target:\n  host: " + cluster.get("LOGIN_HOST") + "\n  port: " + cluster.get("LOGIN_PORT")
                    + "\n  user: " + cluster.get("SSH_USER") + "\n  identity: " + cluster.get("KEY") + "\n  known_hosts: "
                    + cluster.get("KNOWN_HOSTS") + "\n  workdir: " + cluster.get("WORKDIR") + "\n  poll: 1s\n"
                    + "  setup: [\"umask 027\"]\n";
        }
        Files.writeString(dir.resolve("modes.yaml"), spec);
        Cli.Result r = Cli.run("run", dir.resolve("modes.yaml").toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        Path runDir = Path.of(m.get("run_dir").asText());
        assertEquals("0o700", Files.readString(runDir.resolve("tasks/0000/run-dir-mode.txt")));
        if (target.equals("local")) {
            return;
        }
        Path remote = Path.of(m.get("remote_dir").asText());
        assertEquals("rwx------", mode(remote));
        for (String jobWrote : List.of("tasks/0000/sub/out.txt", "tasks/0000/run-dir-mode.txt", "logs/0000.log",
                "status/0000.exit")) {
            assertEquals("rw-r-----", mode(remote.resolve(jobWrote)), jobWrote);
        }
        assertEquals("rwxr-x---", mode(remote.resolve("tasks/0000/sub")));
        int loginUmask;
        try (var login = new org.pvrun.transport.ssh.SshTransport(cluster.login())) {
            loginUmask = Integer.parseInt(login.exec(List.of("sh", "-c", "umask"), java.time.Duration.ofSeconds(30))
                    .stdout().strip(), 8);
        }
        for (String staged : List.of("pipeline/modes.py", "pipeline/modes.yaml", "tasks/0000/params.json")) {
            int bits = org.pvrun.transport.LocalFiles.mode(Files.getPosixFilePermissions(remote.resolve(staged)));
            assertEquals(0, bits & loginUmask, staged + " has bits the login's umask removes: " + mode(remote.resolve(staged)));
        }
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    // ---------------------------------------------------------------- links and escapes on fetch

    /**
     * A script plants links to files and folders outside its run directory (absolute, relative with '..', a
     * folder link with files behind it): none is fetched, none is followed, the real output is, and nothing is
     * written outside the results folder. Links are never results (docs/spec.md): each is named on stderr as not
     * fetched, and the task succeeds.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "ci-ssh", "ci-slurm"})
    void linksPlantedByTheScriptAreNeverFetched(String target) throws Exception {
        Files.writeString(dir.resolve("plant.py"), "import os\n"
                + "open('real.png', 'wb').write(b'png')\n"
                + "os.symlink('/etc/hostname', 'leak.png')\n"
                + "os.symlink('/etc', 'etc')\n"
                + "os.symlink('../../..', 'up')\n"
                + "os.makedirs('sub')\n"
                + "os.symlink('../../../../../../etc/passwd', 'sub/up.txt')\n"
                + "os.symlink('/nonexistent/dangling', 'dangling.png')\n");
        Files.writeString(dir.resolve("plant.yaml"), "name: plant\nscript: plant.py\n");
        Path targets = cluster.targetsFile(dir);
        List<Path> before;
        try (Stream<Path> s = Files.list(dir)) {
            before = s.sorted().toList();
        }
        Cli.Result r = Cli.run("run", dir.resolve("plant.yaml").toString(), "-t", target, "--targets",
                targets.toString(), "-o", dir.resolve("results").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode m = ManifestIO.JSON.readTree(r.out());
        assertEquals(List.of("tasks/0000/real.png"), m.get("tasks").get(0).get("outputs").findValuesAsText("path"));
        for (String link : List.of("leak.png", "etc", "up", "sub/up.txt", "dangling.png")) {
            assertTrue(r.err().contains("pvrun: not fetched: tasks/0000/" + link + " is a symbolic link (links are never"
                    + " results)"), r.err());
        }
        Path runDir = Path.of(m.get("run_dir").asText());
        Path task = runDir.resolve("tasks/0000");
        try (var files = Files.walk(task)) {
            assertEquals(List.of(task.resolve("real.png")), files.filter(f -> !Files.isDirectory(f)).toList());
        }
        try (var all = Files.walk(dir.resolve("results"))) {
            assertEquals(List.of(), all.filter(Files::isSymbolicLink).toList(), "a link came back");
        }
        // nothing new beside the results folder
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> added = new ArrayList<>(s.sorted().toList());
            added.removeAll(before);
            assertEquals(List.of(dir.resolve("results")), added);
        }
    }

    // ---------------------------------------------------------------- host keys

    @Test
    void unknownHostKeyIsRefusedWithItsFingerprintUnlessAcceptedAndThenRemembered() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty_known_hosts"));
        Path targets = cluster.targetsFile(dir, empty.toString());
        Files.writeString(dir.resolve("hello.py"), "open('hello.txt', 'w').write('hello')\n");
        Files.writeString(dir.resolve("hello.yaml"), "name: hello\nscript: hello.py\n");
        List<String> run = List.of("run", dir.resolve("hello.yaml").toString(), "-t", "ci-slurm", "--targets",
                targets.toString(), "-o", dir.resolve("results").toString());
        Cli.Result r = Cli.run(run.toArray(String[]::new));
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("SHA256:"), r.err());
        assertTrue(r.err().contains("--accept-new-host-key"), r.err());
        assertEquals(0, Files.size(empty), "refused key was written to known_hosts");
        assertFalse(Files.exists(dir.resolve("results/hello")), "a refused run left a results folder");

        List<String> accepting = new ArrayList<>(run);
        accepting.add("--accept-new-host-key");
        Cli.Result accepted = Cli.run(accepting.toArray(String[]::new));
        assertEquals(0, accepted.exitCode(), accepted.toString());
        assertEquals(1, Files.readAllLines(empty).size(), "the accepted key is remembered");
        // and from then on it is simply trusted
        Cli.Result again = Cli.run(run.toArray(String[]::new));
        assertEquals(0, again.exitCode(), again.toString());
    }

    @Test
    void changedHostKeyIsRefusedEvenWithAcceptNewHostKey() throws Exception {
        Path changed = cluster.knownHostsWithOtherKeys(dir);
        String before = Files.readString(changed);
        Path targets = cluster.targetsFile(dir, changed.toString());
        Files.writeString(dir.resolve("hello.py"), "open('hello.txt', 'w').write('hello')\n");
        Files.writeString(dir.resolve("hello.yaml"), "name: hello\nscript: hello.py\n");
        Path state = Files.createDirectory(dir.resolve("state"));
        Cli.Result r = Cli.run(Map.of("PVRUN_STATE", state.toString()), "run", dir.resolve("hello.yaml").toString(),
                "-t", "ci-ssh", "--targets", targets.toString(), "-o", dir.resolve("results").toString(),
                "--accept-new-host-key");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), r.err());
        assertEquals(before, Files.readString(changed), "known_hosts changed");
        assertFalse(Files.exists(dir.resolve("results/hello")), "a refused run left a results folder");
        try (Stream<Path> s = Files.list(state)) {
            // the pipeline's lock file (locks/) is not a record of a run
            assertEquals(List.of(), s.filter(e -> !e.getFileName().toString().equals("locks")).toList(),
                    "a refused run was recorded");
        }
    }
}
