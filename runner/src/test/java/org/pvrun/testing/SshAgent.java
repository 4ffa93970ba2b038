package org.pvrun.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real ssh-agent of the test's own, listening on a socket in a directory of the test; closing it ends it. */
public final class SshAgent implements AutoCloseable {
    private final Path socket;
    private final long pid;

    private SshAgent(Path socket, long pid) {
        this.socket = socket;
        this.pid = pid;
    }

    public static SshAgent start(Path dir) throws IOException, InterruptedException {
        Path socket = dir.resolve("agent.sock");
        String out = run(List.of("ssh-agent", "-a", socket.toString(), "-s"));
        Matcher pid = Pattern.compile("SSH_AGENT_PID=(\\d+)").matcher(out);
        assertTrue(pid.find(), out);
        return new SshAgent(socket, Long.parseLong(pid.group(1)));
    }

    public Path socket() {
        return socket;
    }

    /** {@code ssh-add} with this agent and these extra environment settings ({@code NAME=VALUE}) and arguments; its output. */
    public String add(String... envAndArgs) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("env", "SSH_AUTH_SOCK=" + socket));
        int i = 0;
        while (i < envAndArgs.length && envAndArgs[i].contains("=")) {
            argv.add(envAndArgs[i++]);
        }
        argv.add("ssh-add");
        argv.addAll(List.of(envAndArgs).subList(i, envAndArgs.length));
        return run(argv);
    }

    @Override
    public void close() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }

    private static String run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", argv) + ":\n" + out);
        return out;
    }
}
