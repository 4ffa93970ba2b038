package org.pvrun.transport.openssh;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pvrun.PvrunException;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalTransport;
import org.pvrun.transport.SshCertificate;
import org.pvrun.transport.SshHome;

/**
 * The master connection of an {@link OpenSshTransport} ({@code ControlMaster}, its socket and configuration in a
 * private 0700 directory): opened on first use and again after it died, ended on close or at exit, and the
 * {@code ssh} command lines of its sessions. At most {@value OpenSshTransport#MAX_SESSIONS} sessions at once
 * ({@link #sessions}), below OpenSSH's default MaxSessions.
 */
final class OpenSshMaster {
    /** Idle time after which a master left behind by a killed pvrun goes away by itself. */
    static final Duration CONTROL_PERSIST = Duration.ofMinutes(10);
    /**
     * How long the exit hook waits for the transport's owner to close it: on Ctrl-C, run and serve still cancel their
     * jobs through the master (pvrun's own exit hook waits 15 s for them), so the master must not end under them.
     */
    static final Duration EXIT_GRACE = Duration.ofSeconds(20);
    static final File DEV_NULL = new File("/dev/null");

    private final OpenSshOptions options;
    private final Semaphore sessions = new Semaphore(OpenSshTransport.MAX_SESSIONS, true);
    private final LocalTransport local = new LocalTransport();
    // written under this lock; volatile for the shutdown hook, which must not wait for a lock
    private volatile Path dir;
    private volatile Path socket;
    private volatile long masterPid = -1;
    private boolean closed; // guarded by this
    private boolean everStarted; // guarded by this
    private Thread shutdownHook; // guarded by this

    OpenSshMaster(OpenSshOptions options) {
        this.options = options;
    }

    /** Permits for the sessions of the master. */
    Semaphore sessions() {
        return sessions;
    }

    /**
     * Starts the master connection unless it runs. A failure to start it again, after it had worked, is a lost
     * connection (the operation can be repeated once the network is back); a first start's failure is the
     * user's to fix (the key, the host name).
     */
    synchronized void ensureMaster() throws InterruptedException, org.pvrun.transport.ConnectionLostException {
        if (closed) {
            throw new IllegalStateException("openssh " + options.describe() + " is closed");
        }
        if (masterAlive()) {
            return;
        }
        if (dir == null) {
            createPrivateDir();
        }
        try {
            Files.deleteIfExists(socket); // left by a master that was killed: ssh would not replace it
        } catch (IOException e) {
            // ssh will say what is wrong with it
        }
        List<String> argv = sshBase();
        argv.addAll(List.of("-o", "ControlMaster=yes", "-o", "ControlPersist=" + CONTROL_PERSIST.toSeconds(), "-f", "-N",
                options.host()));
        // the parent ssh exits once authenticated, leaving the master in the background; its stderr goes to a file
        // because the master inherits it. Questions (passphrases, one-time codes) go to /dev/tty, asked by ssh.
        Path log = dir.resolve("master.log");
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(DEV_NULL).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw PvrunException.environment("Cannot run the OpenSSH client 'ssh' (needed by transport: openssh): "
                    + e.getMessage() + ". Install it (Debian/Ubuntu: apt-get install openssh-client) or use transport: jsch.", e);
        }
        int status;
        try {
            status = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
        String said = readQuietly(log);
        if (status != 0 || !Files.exists(socket)) {
            PvrunException refused = refusal(said, status);
            if (everStarted && !permanent(said)) {
                throw new org.pvrun.transport.ConnectionLostException("cannot connect again: " + refused.getMessage(),
                        refused, false);
            }
            throw refused;
        }
        everStarted = true;
        masterPid = queryMasterPid();
        if (shutdownHook == null) {
            // a run ended by Ctrl-C or an uncaught error still ends its master (a killed JVM leaves it to ControlPersist)
            shutdownHook = new Thread(this::stopMasterAtExit, "pvrun-openssh-exit");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    boolean masterAlive() {
        return socket != null && masterPid > 0 && Files.exists(socket) && running(masterPid);
    }

    /**
     * Whether a process runs and is not a zombie: the master is not our child, and an init that is slow to reap
     * (as in some containers) leaves it a zombie, which {@link ProcessHandle#isAlive} still counts as alive.
     */
    static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return !Files.isDirectory(Path.of("/proc/self")); // no /proc: trust ProcessHandle
        }
    }

    /** {@code ssh -O check} answers "Master running (pid=N)". */
    private long queryMasterPid() throws InterruptedException {
        try {
            ExecResult r = local.exec(control("check"), Duration.ofSeconds(20));
            Matcher m = Pattern.compile("pid=(\\d+)").matcher(r.stderr() + r.stdout());
            if (r.ok() && m.find()) {
                return Long.parseLong(m.group(1));
            }
            throw PvrunException.environment("The ssh master connection to " + options.describe()
                    + " did not answer:\n" + r.evidence());
        } catch (IOException e) {
            throw PvrunException.environment("cannot check the ssh master connection to " + options.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private void createPrivateDir() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            if (base.toString().length() > 60) {
                base = Path.of("/tmp"); // a socket path is limited to 107 bytes
            }
            dir = Files.createTempDirectory(base, "pvrun-ssh-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socket = dir.resolve("cm");
            Files.writeString(dir.resolve("config"), configText());
            if (options.acceptNewHostKey() && options.knownHosts() != null) {
                // ssh creates only ~/.ssh itself; accept-new into a file in a missing directory would warn and not add it
                Path parent = options.knownHosts().toAbsolutePath().getParent();
                if (!Files.isDirectory(parent)) {
                    Files.createDirectories(parent,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
            }
        } catch (IOException e) {
            throw PvrunException.environment("cannot create a private directory for the ssh control socket: " + e.getMessage(), e);
        }
    }

    /**
     * The configuration passed with {@code -F}: pvrun's settings first (ssh takes the first value it finds, so they
     * win, and unlike {@code -o} they also reach jump hosts, whose ssh gets only {@code -F}), then the files ssh
     * would read anyway, then defaults that the user's files may override.
     */
    String configText() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by pvrun for one connection to ").append(options.describe()).append(".\n");
        sb.append("StrictHostKeyChecking ").append(options.acceptNewHostKey() ? "accept-new" : "yes").append('\n');
        if (options.knownHosts() != null) {
            sb.append("UserKnownHostsFile ").append(configQuote(options.knownHosts().toAbsolutePath().toString())).append('\n');
        }
        if (options.identity() != null) {
            sb.append("IdentityFile ").append(configQuote(options.identity().toAbsolutePath().toString())).append('\n');
        }
        if (options.keepalive() != null) {
            sb.append("ServerAliveInterval ").append(Math.max(1, options.keepalive().interval().toSeconds())).append('\n');
            sb.append("ServerAliveCountMax ").append(options.keepalive().countMax()).append('\n');
        }
        List<Path> includes = new ArrayList<>();
        if (options.configFile() != null) {
            includes.add(options.configFile().toAbsolutePath());
        } else {
            includes.add(SshHome.sshDir().resolve("config"));
            includes.add(Path.of("/etc/ssh/ssh_config"));
        }
        for (Path inc : includes) {
            if (Files.exists(inc)) {
                sb.append("Include ").append(configQuote(inc.toString())).append('\n');
            }
        }
        sb.append("Host *\n    ConnectTimeout 20\n    ServerAliveInterval 30\n");
        return sb.toString();
    }

    /** ssh_config reads double quotes; {@code %} starts a token in file names. */
    private static String configQuote(String path) {
        return "\"" + path.replace("%", "%%").replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * {@code ssh -F config -S socket} and what the target sets; the host is added by the caller. Forwardings and a
     * RemoteCommand from the user's config are for their own logins, not for pvrun's.
     */
    private List<String> sshBase() {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", dir.resolve("config").toString(), "-S", socket.toString(),
                "-o", "ClearAllForwardings=yes", "-o", "RemoteCommand=none"));
        if (options.port() != null) {
            argv.addAll(List.of("-p", options.port().toString()));
        }
        if (options.user() != null) {
            argv.addAll(List.of("-l", options.user()));
        }
        if (!options.jumpHosts().isEmpty()) {
            argv.addAll(List.of("-J", String.join(",", options.jumpHosts())));
        }
        return argv;
    }

    /** A session of the master; never a connection of its own that could stop to ask a question. */
    List<String> clientBase() {
        List<String> argv = sshBase();
        argv.addAll(List.of("-o", "ControlMaster=no", "-o", "BatchMode=yes", "-T"));
        return argv;
    }

    List<String> client(String remoteCommand) {
        List<String> argv = clientBase();
        argv.addAll(List.of(options.host(), "--", remoteCommand));
        return argv;
    }

    List<String> control(String operation) {
        List<String> argv = sshBase();
        argv.addAll(List.of("-O", operation, options.host()));
        return argv;
    }

    /** A refusal that waiting does not cure: the host key, the login. */
    private static boolean permanent(String said) {
        return said.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || said.contains("Host key verification failed")
                || said.contains("Permission denied") || said.contains("Too many authentication failures");
    }

    /** OpenSSH's complaint, turned into the user-facing error. */
    private PvrunException refusal(String said, int status) {
        String text = said.replace("\r", "").strip();
        String where = options.describe();
        String indented = text.isEmpty() ? "  (ssh exited with status " + status + " and said nothing)"
                : "  " + text.replace("\n", "\n  ");
        // ssh's own default, with ~ as ssh takes it: the password database's home (docs/targets.md#home)
        String kh = options.knownHosts() != null ? options.knownHosts().toString()
                : SshHome.sshDir().resolve("known_hosts").toString();
        if (text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
            return PvrunException.environment("The host key of " + where + " has CHANGED; pvrun refuses to connect, also"
                    + " with --accept-new-host-key. ssh said:\n" + indented + "\nIf the administrators confirm the new key,"
                    + " remove the old one (ssh-keygen -R HOST -f " + kh + ") and connect again.");
        }
        if (text.contains("REVOKED HOST KEY") || text.contains("was revoked")) {
            return PvrunException.environment("The host key of " + where + " is REVOKED: " + kh + " marks it (or the CA"
                    + " that signed its certificate) @revoked, so pvrun refuses to connect, also with --accept-new-host-key."
                    + " ssh said:\n" + indented + "\nA revoked key may be stolen and used to impersonate the host; ask its"
                    + " administrators.");
        }
        if (text.contains("Host key verification failed") || text.contains("host key is known for")) {
            String scan = (options.port() != null ? "-p " + options.port() + " " : "") + options.host();
            return PvrunException.environment("The host key of " + where + " is not in " + kh + " (strict host key"
                    + " checking). ssh said:\n" + indented + "\nCheck the host's fingerprint with its administrators or"
                    + " documentation, then either\n  - run pvrun again with --accept-new-host-key (the key is added to "
                    + kh + "), or\n  - connect once with ssh and answer 'yes', or\n  - add it with: ssh-keyscan " + scan
                    + " >> " + kh);
        }
        if (text.contains("Permission denied") || text.contains("Too many authentication failures")) {
            // sshd tells the client only "denied"; an out-of-date certificate beside the key is the likely reason
            String certProblem = SshCertificate.problemOfKeys(identities(), Instant.now());
            return PvrunException.environment("Could not log in to " + where + (certProblem != null ? ": " + certProblem
                    : ".") + " ssh said:\n" + indented);
        }
        if (text.contains("Could not resolve hostname")) {
            Path config = options.configFile() != null ? options.configFile() : SshHome.sshDir().resolve("config");
            return PvrunException.environment("Cannot connect to " + where + ": unknown host name. ssh said:\n" + indented
                    + "\nssh read " + SshHome.file(config) + (options.configFile() != null ? " (PVRUN_SSH_CONFIG)"
                    : " and /etc/ssh/ssh_config; " + SshHome.RULE));
        }
        return PvrunException.environment("Cannot connect to " + where + ". ssh said:\n" + indented);
    }

    /** The private keys ssh offers: the target's, or else OpenSSH's default ones (whose certificates it also reads). */
    private List<Path> identities() {
        if (options.identity() != null) {
            return List.of(options.identity());
        }
        List<Path> defaults = new ArrayList<>();
        for (String name : List.of("id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk")) {
            defaults.add(SshHome.sshDir().resolve(name));
        }
        return defaults;
    }

    /** After ssh exited with 255: is the master gone (the connection dropped) rather than the command failing? */
    boolean connectionLost() throws InterruptedException {
        synchronized (this) {
            if (!masterAlive()) {
                return true;
            }
        }
        try {
            return !local.exec(control("check"), Duration.ofSeconds(10)).ok();
        } catch (IOException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- closing

    /** Ends the master connection ({@code ssh -O exit}) and removes the private directory. */
    void close() {
        Thread hook;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll(); // an exit hook waiting for this
            hook = shutdownHook;
            shutdownHook = null;
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs anyway
            }
        }
        stopMaster();
    }

    /** At exit: ends the master once the owner closed the transport, or after {@link #EXIT_GRACE} without that. */
    private void stopMasterAtExit() {
        synchronized (this) {
            long end = System.nanoTime() + EXIT_GRACE.toNanos();
            try {
                while (!closed && System.nanoTime() < end) {
                    wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closed) {
                return; // close() ends the master itself
            }
        }
        stopMaster();
    }

    private void stopMaster() {
        Path dir = this.dir;
        if (dir == null) {
            return;
        }
        if (masterAlive()) {
            try {
                local.exec(control("exit"), Duration.ofSeconds(10));
            } catch (IOException e) {
                ProcessHandle.of(masterPid).ifPresent(ProcessHandle::destroy);
            } catch (InterruptedException e) {
                ProcessHandle.of(masterPid).ifPresent(ProcessHandle::destroy);
                Thread.currentThread().interrupt();
            }
        }
        masterPid = -1;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** For tests: the master's pid, or -1 when none runs. */
    synchronized long masterPid() {
        return masterAlive() ? masterPid : -1;
    }

    /** The control socket (for {@link OpenSshForwarding} and tests), or null before the first connection. */
    synchronized Path controlSocket() {
        return socket;
    }
}
