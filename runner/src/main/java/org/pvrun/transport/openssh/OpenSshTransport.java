package org.pvrun.transport.openssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pvrun.PvrunException;
import org.pvrun.transport.ConnectionLostException;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.transport.LocalFiles;
import org.pvrun.transport.LocalTransport;
import org.pvrun.transport.Tar;
import org.pvrun.transport.Transport;
import org.pvrun.util.Shell;
import org.pvrun.transport.RemoteTransport;
import org.pvrun.transport.TreeCopy;

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
public final class OpenSshTransport extends RemoteTransport {
    static final int MAX_SESSIONS = 8;
    /** The remote shell prints its pid (its process group: sshd starts each session with setsid) first on stderr. */
    private static final String PID_MARK = "pvrun-pid:";
    private static final Pattern PID_LINE = Pattern.compile("(?m)^" + PID_MARK + "(\\d+)\\r?\\n");

    private final OpenSshOptions options;
    private final LocalTransport local = new LocalTransport();
    private final OpenSshMaster master;
    private final OpenSshProcesses processes;
    private final OpenSshTrees trees;

    @Override
    protected TreeCopy trees() {
        return trees;
    }

    public OpenSshTransport(OpenSshOptions options) {
        this.options = options;
        this.master = new OpenSshMaster(options);
        this.processes = new OpenSshProcesses(master);
        this.trees = new OpenSshTrees(this, options, master, processes);
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
    public void connect() throws java.io.IOException, InterruptedException {
        master.ensureMaster();
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
        master.sessions().acquire();
        try {
            master.ensureMaster();
            ExecResult r;
            try {
                r = local.exec(master.client(remote), timeout);
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
            if (r.exitStatus() == 255 && (!started || master.connectionLost())) {
                throw new ConnectionLostException("no exit status from " + describe() + " (connection lost) for: " + command
                        + "\n" + result.evidence(), null, started);
            }
            return result;
        } finally {
            master.sessions().release();
        }
    }

    private void killRemoteGroup(String pid) throws InterruptedException {
        try {
            local.exec(master.client("kill -TERM -- -" + pid + " 2>/dev/null || kill -TERM " + pid + " 2>/dev/null"),
                    Duration.ofSeconds(10));
        } catch (IOException e) {
            // best effort: the command has already been abandoned
        }
    }

    private static String stripPid(String stderr) {
        return PID_LINE.matcher(stderr).replaceFirst("");
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
        master.ensureMaster();
        OpenSshProcesses.Result r = processes.run(master.client(command), ProcessBuilder.Redirect.from(localFile.toFile()),
                ProcessBuilder.Redirect.DISCARD, null, false);
        processes.check(r, command, "cannot upload " + localFile + " to " + remotePath);
    }

    /** ssh writes the remote {@code cat} straight into a temporary file next to {@code local}, renamed when complete. */
    @Override
    public void download(String remotePath, Path localFile) throws IOException, InterruptedException {
        Path target = localFile.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.getParent().resolve(LocalFiles.partName(target.getFileName().toString()));
        String command = Shell.join(List.of("cat", "--", remotePath));
        master.ensureMaster();
        try {
            OpenSshProcesses.Result r = processes.run(master.client(command), ProcessBuilder.Redirect.from(OpenSshMaster.DEV_NULL), ProcessBuilder.Redirect.to(tmp.toFile()),
                    null, false);
            processes.check(r, command, "cannot download " + remotePath + " to " + localFile);
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



    /** Ends the master connection ({@code ssh -O exit}) and removes the private directory. */
    @Override
    public void close() {
        master.close();
    }

    /** The configuration passed to ssh with {@code -F} (see {@link OpenSshMaster#configText}). */
    String configText() {
        return master.configText();
    }

    /** For tests: the master's pid, or -1 when none runs. */
    long masterPid() {
        return master.masterPid();
    }

    /** The control socket (for {@link OpenSshForwarding} and tests), or null before the first connection. */
    Path controlSocket() {
        return master.controlSocket();
    }

    /** Whether a process runs and is not a zombie (see {@link OpenSshMaster#running}). */
    static boolean running(long pid) {
        return OpenSshMaster.running(pid);
    }
}
