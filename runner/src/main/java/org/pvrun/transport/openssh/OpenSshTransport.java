package org.pvrun.transport.openssh;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pvrun.PvrunException;
import org.pvrun.transport.ConnectionLostException;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.transport.LocalFiles;
import org.pvrun.transport.LocalTransport;
import org.pvrun.transport.Tar;
import org.pvrun.transport.TarPolicy;
import org.pvrun.transport.Transport;
import org.pvrun.util.Shell;

/**
 * Runs commands and moves files with the system's OpenSSH client ({@code transport: openssh}), so that everything in
 * the user's {@code ~/.ssh/config} applies: ProxyJump, GSSAPI/Kerberos, agents, certificates, ControlPersist of their
 * own. One master connection per transport ({@code ControlMaster}, socket in a private 0700 directory) is opened on
 * first use and carries every later command and transfer, so authentication (passphrases, one-time codes, asked on
 * the terminal by ssh itself) happens once per run. If the master dies (the connection dropped), the next call opens
 * a new one.
 *
 * <p>How files move was chosen by measuring against OpenSSH's own tools (bench/, docs/performance.md): one file is
 * {@code cat} over a session of the master with the local file as ssh's stdin or stdout (the master writes the file
 * descriptor directly, no copy through this JVM); many files come back by {@code rsync} through the master (temporary
 * names, renamed when complete), or as a tar stream when either side lacks rsync, and go out as the local {@code tar}
 * piped into the host's.
 *
 * <p>Remote commands are run by the remote user's login shell, which must read POSIX {@code sh} quoting
 * ({@link Shell#join}). At most {@value #MAX_SESSIONS} commands run at once, below OpenSSH's default MaxSessions.
 */
public final class OpenSshTransport implements Transport {
    static final int MAX_SESSIONS = 8;
    /** Idle time after which a master left behind by a killed pvrun goes away by itself. */
    static final Duration CONTROL_PERSIST = Duration.ofMinutes(10);
    /**
     * How long the exit hook waits for the transport's owner to close it: on Ctrl-C, run and serve still cancel their
     * jobs through the master (pvrun's own exit hook waits 15 s for them), so the master must not end under them.
     */
    static final Duration EXIT_GRACE = Duration.ofSeconds(20);
    /** Keeps one tar command line far below any ARG_MAX. */
    /** The remote shell prints its pid (its process group: sshd starts each session with setsid) first on stderr. */
    private static final String PID_MARK = "pvrun-pid:";
    private static final Pattern PID_LINE = Pattern.compile("(?m)^" + PID_MARK + "(\\d+)\\r?\\n");
    private static final Pattern RSYNC_SKIPPED = Pattern.compile("skipping non-regular file \"([^\"]*)\"");
    private static final File DEV_NULL = new File("/dev/null");

    private final OpenSshOptions options;
    private final Semaphore sessions = new Semaphore(MAX_SESSIONS, true);
    private final LocalTransport local = new LocalTransport();
    // written under this lock; volatile for the shutdown hook, which must not wait for a lock
    private volatile Path dir;
    private volatile Path socket;
    private volatile long masterPid = -1;
    private boolean closed; // guarded by this
    private Thread shutdownHook; // guarded by this
    private Boolean rsync; // guarded by this

    public OpenSshTransport(OpenSshOptions options) {
        this.options = options;
    }

    @Override
    public String describe() {
        return "openssh " + options.describe();
    }

    /**
     * Opens the master connection now rather than on first use, to report connection problems early.
     *
     * @throws PvrunException (exit status 3) if ssh is missing, the host cannot be reached, its key is refused, or
     *     login fails
     */
    public void connect() throws InterruptedException {
        ensureMaster();
    }

    // ---------------------------------------------------------------- the master connection

    private synchronized void ensureMaster() throws InterruptedException {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
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
            throw refusal(said, status);
        }
        masterPid = queryMasterPid();
        if (shutdownHook == null) {
            // a run ended by Ctrl-C or an uncaught error still ends its master (a killed JVM leaves it to ControlPersist)
            shutdownHook = new Thread(this::stopMasterAtExit, "pvrun-openssh-exit");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    private boolean masterAlive() {
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
        List<Path> includes = new ArrayList<>();
        if (options.configFile() != null) {
            includes.add(options.configFile().toAbsolutePath());
        } else {
            includes.add(Path.of(System.getProperty("user.home"), ".ssh", "config"));
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
    private List<String> clientBase() {
        List<String> argv = sshBase();
        argv.addAll(List.of("-o", "ControlMaster=no", "-o", "BatchMode=yes", "-T"));
        return argv;
    }

    private List<String> client(String remoteCommand) {
        List<String> argv = clientBase();
        argv.addAll(List.of(options.host(), "--", remoteCommand));
        return argv;
    }

    private List<String> control(String operation) {
        List<String> argv = sshBase();
        argv.addAll(List.of("-O", operation, options.host()));
        return argv;
    }

    /** OpenSSH's complaint, turned into the user-facing error. */
    private PvrunException refusal(String said, int status) {
        String text = said.replace("\r", "").strip();
        String where = options.describe();
        String indented = text.isEmpty() ? "  (ssh exited with status " + status + " and said nothing)"
                : "  " + text.replace("\n", "\n  ");
        // ssh's own default, with ~ as ssh takes it: the password database's home (docs/targets.md#home)
        String kh = options.knownHosts() != null ? options.knownHosts().toString()
                : System.getProperty("user.home") + "/.ssh/known_hosts";
        if (text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
            return PvrunException.environment("The host key of " + where + " has CHANGED; pvrun refuses to connect, also"
                    + " with --accept-new-host-key. ssh said:\n" + indented + "\nIf the administrators confirm the new key,"
                    + " remove the old one (ssh-keygen -R HOST -f " + kh + ") and connect again.");
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
            return PvrunException.environment("Could not log in to " + where + ". ssh said:\n" + indented);
        }
        if (text.contains("Could not resolve hostname")) {
            Path config = options.configFile() != null ? options.configFile()
                    : Path.of(System.getProperty("user.home"), ".ssh", "config");
            return PvrunException.environment("Cannot connect to " + where + ": unknown host name. ssh said:\n" + indented
                    + "\nssh read " + config + (Files.exists(config) ? "" : " (no such file)") + (options.configFile() != null
                    ? " (PVRUN_SSH_CONFIG)" : " and /etc/ssh/ssh_config; ~ is the password database's home, whatever $HOME says"));
        }
        return PvrunException.environment("Cannot connect to " + where + ". ssh said:\n" + indented);
    }

    // ---------------------------------------------------------------- commands

    /**
     * Runs {@code Shell.join(argv)} on the host in a session of the master, stdin at end-of-file. On timeout the
     * local ssh is stopped and the remote command's process group is sent SIGTERM (the OpenSSH client cannot send
     * signals through a channel, so the remote shell reports its pid first, on stderr, which is stripped again).
     *
     * @throws ExecTimeoutException on timeout
     * @throws IOException if the connection is lost (exit status 255 and the master gone)
     */
    @Override
    public ExecResult exec(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        String command = Shell.join(argv);
        String remote = "printf '" + PID_MARK + "%s\\n' \"$$\" >&2; " + command;
        sessions.acquire();
        try {
            ensureMaster();
            ExecResult r;
            try {
                r = local.exec(client(remote), timeout);
            } catch (ExecTimeoutException e) {
                ExecResult partial = e.partial();
                Matcher pid = PID_LINE.matcher(partial.stderr());
                if (pid.find()) {
                    killRemoteGroup(pid.group(1));
                }
                throw new ExecTimeoutException(timeout, new ExecResult(command, -1, partial.stdout(), stripPid(partial.stderr())));
            }
            boolean started = PID_LINE.matcher(r.stderr()).find();
            ExecResult result = new ExecResult(command, r.exitStatus(), r.stdout(), stripPid(r.stderr()));
            if (r.exitStatus() == 255 && (!started || connectionLost())) {
                throw new ConnectionLostException("no exit status from " + describe() + " (connection lost) for: " + command
                        + "\n" + result.evidence(), null, started);
            }
            return result;
        } finally {
            sessions.release();
        }
    }

    private void killRemoteGroup(String pid) throws InterruptedException {
        try {
            local.exec(client("kill -TERM -- -" + pid + " 2>/dev/null || kill -TERM " + pid + " 2>/dev/null"),
                    Duration.ofSeconds(10));
        } catch (IOException e) {
            // best effort: the command has already been abandoned
        }
    }

    private static String stripPid(String stderr) {
        return PID_LINE.matcher(stderr).replaceFirst("");
    }

    /** After ssh exited with 255: is the master gone (the connection dropped) rather than the command failing? */
    private boolean connectionLost() throws InterruptedException {
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

    // ---------------------------------------------------------------- single files

    /** Creates the missing directories one by one with exactly {@code mode} ({@code mkdir -m}, so the umask does not apply). */
    @Override
    public void mkdirs(String remoteDir, int mode) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c",
                "m=$1; shift; for d in \"$@\"; do [ -d \"$d\" ] || mkdir -m \"$m\" -- \"$d\" 2>/dev/null || [ -d \"$d\" ]"
                        + " || { mkdir -m \"$m\" -- \"$d\"; exit 1; }; done", "sh", Integer.toOctalString(mode)));
        String prefix = remoteDir.startsWith("/") ? "/" : "";
        for (String part : remoteDir.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix + part : prefix + "/" + part;
            argv.add(prefix);
        }
        ExecResult r = exec(argv, Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new IOException("cannot create directory " + remoteDir + " on " + describe() + ":\n" + r.evidence());
        }
    }

    /**
     * Sends the file as ssh's stdin into {@code cat} writing {@code .NAME.part-RANDOM} next to the target, then
     * chmod (the local permission bits that the host's umask allows, as a file created there would get) and
     * {@code mv -f} (a rename within the directory).
     */
    @Override
    public void upload(Path localFile, String remotePath) throws IOException, InterruptedException {
        String tmp = sibling(remotePath, LocalFiles.partName(baseName(remotePath)));
        int mode = 0644;
        try {
            mode = LocalFiles.mode(Files.getPosixFilePermissions(localFile));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default
        }
        if (!Files.isReadable(localFile)) {
            throw new IOException("cannot upload " + localFile + ": no such readable file");
        }
        String command = Shell.join(List.of("sh", "-c",
                "cat > \"$1\" && chmod -- \"$(printf %o $((0$3 & ~0$(umask))))\" \"$1\" && mv -f -- \"$1\" \"$2\""
                        + " || { s=$?; rm -f -- \"$1\"; exit $s; }",
                "sh", tmp, remotePath, Integer.toOctalString(mode)));
        ensureMaster();
        Result r = run(client(command), ProcessBuilder.Redirect.from(localFile.toFile()),
                ProcessBuilder.Redirect.DISCARD, null, false);
        check(r, command, "cannot upload " + localFile + " to " + remotePath);
    }

    /** ssh writes the remote {@code cat} straight into a temporary file next to {@code local}, renamed when complete. */
    @Override
    public void download(String remotePath, Path localFile) throws IOException, InterruptedException {
        Path target = localFile.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.getParent().resolve(LocalFiles.partName(target.getFileName().toString()));
        String command = Shell.join(List.of("cat", "--", remotePath));
        ensureMaster();
        try {
            Result r = run(client(command), ProcessBuilder.Redirect.from(DEV_NULL), ProcessBuilder.Redirect.to(tmp.toFile()),
                    null, false);
            check(r, command, "cannot download " + remotePath + " to " + localFile);
            LocalFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String baseName(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static String sibling(String path, String name) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? name : path.substring(0, slash + 1) + name;
    }

    // ---------------------------------------------------------------- many files

    /**
     * Copies the listed files and directories (recursively), relative to {@code remoteDir}, into {@code localDir}:
     * rsync through the master (each file under a temporary name, renamed when complete; links and special files are
     * skipped, then reported as an error), or a tar stream read by {@link Tar#extract} (which refuses them).
     *
     * @throws IOException if a file is missing (the others are still copied), is a link, or the transfer fails
     */
    @Override
    public void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException, InterruptedException {
        List<String> paths = checked(relativePaths);
        Files.createDirectories(localDir);
        ensureMaster();
        if (useRsync()) {
            Result r = rsyncDown(paths, remoteDir, localDir);
            String out = r.stdout() + r.stderr();
            Matcher skipped = RSYNC_SKIPPED.matcher(out);
            if (r.status() == 0 && skipped.find()) {
                throw new IOException("refusing " + skipped.group(1) + " from " + remoteDir + " on " + describe()
                        + ": it is a symbolic link or a special file; only regular files and directories are transferred");
            }
            check(r, "rsync", "cannot copy files from " + remoteDir + " on " + describe());
            return;
        }
        for (List<String> batch : TarPolicy.argumentBatches(paths)) {
            List<String> argv = new ArrayList<>(List.of("tar", "-cf", "-", "-C", remoteDir, "--"));
            argv.addAll(batch);
            String command = Shell.join(argv);
            Result r = run(client(command), ProcessBuilder.Redirect.from(DEV_NULL), ProcessBuilder.Redirect.PIPE, p -> {
                try (InputStream in = p.getInputStream()) {
                    Tar.extract(in, localDir, batch);
                    in.transferTo(OutputStream.nullOutputStream()); // tar pads its output to whole records
                }
            }, true);
            check(r, command, "file transfer from " + describe() + " failed");
        }
    }

    /**
     * The reverse of {@link #downloadTree} into {@code remoteDir}, which must exist: the local {@code tar} piped
     * straight into a session running the host's {@code tar -x} (the operating system connects the two, nothing
     * passes through this JVM; the host's tar writes in place, as with the JSch transport; links are followed, as
     * {@code tar -h}). Measured faster than rsync, whose temporary names buy nothing for a new run directory.
     */
    @Override
    public void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException, InterruptedException {
        List<String> paths = checked(relativePaths);
        ensureMaster();
        String command = Shell.join(List.of("tar", "-xf", "-", "--no-same-owner", "-C", remoteDir));
        // the names go to the local tar on its stdin (NUL-separated), so no command line limits them
        List<String> tar = List.of("tar", "-c", "-f", "-", "-h", "--null", "-C", localDir.toAbsolutePath().toString(), "-T", "-");
        byte[] list = nulList(paths);
        sessions.acquire();
        try {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                    new ProcessBuilder(tar),
                    new ProcessBuilder(client(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD)));
            Process local = pipeline.get(0);
            Process remote = pipeline.get(1);
            ByteArrayOutputStream localErr = new ByteArrayOutputStream();
            ByteArrayOutputStream remoteErr = new ByteArrayOutputStream();
            Thread a = drain(local.getErrorStream(), localErr);
            Thread b = drain(remote.getErrorStream(), remoteErr);
            try {
                try (OutputStream out = local.getOutputStream()) {
                    out.write(list);
                } catch (IOException e) {
                    // tar ended early; its status and message say why
                }
                int localStatus = local.waitFor();
                int remoteStatus = remote.waitFor();
                join(a);
                join(b);
                if (remoteStatus != 0) {
                    check(new Result(remoteStatus, "", text(remoteErr), null), command,
                            "file transfer to " + remoteDir + " on " + describe() + " failed");
                }
                if (localStatus != 0) {
                    throw new IOException("cannot send files of " + localDir + " to " + describe() + ":\n"
                            + new ExecResult(Shell.join(tar), localStatus, "", text(localErr)).evidence());
                }
            } catch (InterruptedException e) {
                pipeline.forEach(Process::destroy);
                throw e;
            } finally {
                pipeline.forEach(p -> {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                });
            }
        } finally {
            sessions.release();
        }
    }

    private static byte[] nulList(List<String> paths) {
        return String.join("\0", paths.stream().map(p -> p.isEmpty() ? "." : p).toList()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * rsync from {@code remoteDir} into {@code localDir} with the list on its stdin ({@code --files-from}, so no
     * command line limit and paths stay relative). The remote rsync starts in {@code remoteDir} ({@code cd DIR && rsync}),
     * which must exist, so no remote path ever passes through a shell but that one quoted word.
     */
    private Result rsyncDown(List<String> paths, String remoteDir, Path localDir) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("rsync", "-r", "-t", "--from0", "--files-from=-"));
        argv.addAll(List.of("-e", clientBase().stream().map(Shell::quote).reduce((a, b) -> a + " " + b).orElseThrow(),
                "--rsync-path=cd " + Shell.quote(remoteDir) + " && rsync"));
        String remote = (options.host().contains(":") ? "[" + options.host() + "]" : options.host()) + ":./";
        argv.addAll(List.of(remote, localDir.toAbsolutePath() + "/"));
        byte[] list = nulList(paths);
        return run(argv, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE, p -> {
            try (OutputStream out = p.getOutputStream()) {
                out.write(list);
            }
        }, false);
    }

    /** rsync on both sides, for downloads; asked once per transport. */
    private boolean useRsync() throws IOException, InterruptedException {
        switch (options.treeMethod()) {
            case RSYNC:
                return true;
            case TAR:
                return false;
            default:
                break;
        }
        synchronized (this) {
            if (rsync != null) {
                return rsync;
            }
        }
        boolean here = onPath("rsync");
        boolean there = here && exec(List.of("sh", "-c", "command -v rsync"), Duration.ofSeconds(30)).ok();
        synchronized (this) {
            rsync = here && there;
            return rsync;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> checked(List<String> relativePaths) throws IOException {
        List<String> out = new ArrayList<>();
        for (String p : relativePaths) {
            out.add(TarPolicy.checkRelative(p));
        }
        return out;
    }

    // ---------------------------------------------------------------- processes

    private record Result(int status, String stdout, String stderr, IOException streamFailure) {}

    private interface StreamWork {
        void transfer(Process p) throws IOException;
    }

    /**
     * Runs a local program (a session of the master, or rsync driving one) with the given stdin and stdout, stderr
     * (and a piped stdout that {@code work} does not read) collected, and {@code work} (if any) done on this thread
     * while it runs. At most {@value #MAX_SESSIONS} at once; interrupts stop the program.
     */
    private Result run(List<String> argv, ProcessBuilder.Redirect in, ProcessBuilder.Redirect out, StreamWork work,
            boolean workReadsStdout) throws IOException, InterruptedException {
        sessions.acquire();
        try {
            Process p = new ProcessBuilder(argv).redirectInput(in).redirectOutput(out).start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            Thread errReader = drain(p.getErrorStream(), err);
            Thread outReader = out == ProcessBuilder.Redirect.PIPE && !workReadsStdout ? drain(p.getInputStream(), stdout) : null;
            IOException failure = null;
            try {
                if (work != null) {
                    try {
                        work.transfer(p);
                    } catch (IOException | UncheckedIOException e) {
                        failure = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
                        // give the remote side's own complaint a moment to arrive: it usually explains the failure
                        if (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                            p.destroy();
                        }
                    }
                }
                p.waitFor();
                join(errReader);
                if (outReader != null) {
                    join(outReader);
                }
            } catch (InterruptedException e) {
                p.destroy();
                throw e;
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            return new Result(p.exitValue(), text(stdout), text(err), failure);
        } finally {
            sessions.release();
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (into) {
                        into.write(b, 0, n);
                    }
                }
            } catch (IOException e) {
                // the program was stopped; what was read is kept
            }
        }, "pvrun-openssh-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) throws InterruptedException {
        t.join(10_000);
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private void check(Result r, String command, String what) throws IOException, InterruptedException {
        if (r.status() == 0 && r.streamFailure() == null) {
            return;
        }
        // ssh says 255 when its connection goes, but rsync (12, a broken protocol stream) and pipelines say
        // their own numbers: whatever failed, a master that is gone means the connection was lost
        boolean lost = connectionLost();
        String reason = r.streamFailure() != null ? r.streamFailure().getMessage()
                : lost ? "the connection was lost" : "exit status " + r.status();
        if (lost) {
            throw new ConnectionLostException(what + ": " + reason + "\n"
                    + new ExecResult(command, r.status(), r.stdout(), r.stderr()).evidence(), r.streamFailure(), true);
        }
        throw new IOException(what + ": " + reason + "\n" + new ExecResult(command, r.status(), r.stdout(), r.stderr()).evidence(),
                r.streamFailure());
    }

    // ---------------------------------------------------------------- closing

    /** Ends the master connection ({@code ssh -O exit}) and removes the private directory. */
    @Override
    public void close() {
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
