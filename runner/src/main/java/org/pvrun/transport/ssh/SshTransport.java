package org.pvrun.transport.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.pvrun.PvrunException;
import org.pvrun.transport.ConnectionLostException;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.transport.LocalFiles;
import org.pvrun.transport.Tar;
import org.pvrun.transport.TarPolicy;
import org.pvrun.transport.Transport;
import org.pvrun.util.Shell;

/**
 * Runs commands and moves files on one SSH host. One session, opened on first use (and reopened on the next use
 * if it died), carries everything: exec channels, one SFTP channel, and tar streams for many files at once.
 * Safe for use by several threads; at most {@value #MAX_CHANNELS} commands run at once, below OpenSSH's
 * default MaxSessions of 10 channels per connection.
 *
 * <p>Remote commands are run by the remote user's login shell, which must read POSIX {@code sh} quoting
 * ({@link Shell#join}): sh, bash, zsh, dash, ksh. Remote paths are absolute or relative to the home directory;
 * {@code ~} is not expanded.
 */
public final class SshTransport implements Transport, org.pvrun.transport.PortForwarding {
    static final int MAX_CHANNELS = 8;
    /** Keeps one tar command line far below any ARG_MAX. */

    private final SshOptions options;
    private final SshSessionFactory factory;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final Object sftpLock = new Object();
    private SshConnection connection; // guarded by this
    private boolean closed; // guarded by this
    private boolean everConnected; // guarded by this
    private ChannelSftp sftp; // guarded by sftpLock
    private volatile Integer umask; // the login's on the host, asked on the first upload

    /** Authentication questions go to the terminal. */
    public SshTransport(SshOptions options) {
        this(options, new SshSessionFactory());
    }

    public SshTransport(SshOptions options, SshSessionFactory factory) {
        this.options = options;
        this.factory = factory;
    }

    @Override
    public String describe() {
        return "ssh " + options.describe();
    }

    /**
     * Connects now rather than on first use, to report connection problems early.
     *
     * @throws org.pvrun.PvrunException (exit status 3) if the host cannot be reached, its key is refused, or login fails
     */
    public void connect() {
        session();
    }

    private synchronized Session session() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
        if (connection == null || !connection.isConnected()) {
            if (connection != null) {
                connection.close();
            }
            connection = factory.connect(options);
            everConnected = true;
        }
        return connection.session();
    }

    /**
     * The session for an operation: a failure to connect again, after the connection had worked, is a lost
     * connection (the operation can be repeated later); a first connection's failure is the user's to fix.
     */
    private Session sessionForUse() throws ConnectionLostException {
        boolean reconnecting;
        synchronized (this) {
            reconnecting = everConnected;
        }
        try {
            return session();
        } catch (PvrunException e) {
            if (!reconnecting) {
                throw e;
            }
            throw new ConnectionLostException("cannot connect again: " + e.getMessage(), e, false);
        }
    }

    /**
     * Whether the connection is gone, given an operation just failed: JSch notices a closed socket in its own
     * thread, so a failure caused by it may arrive a moment before the session says it is down.
     */
    private boolean dropped() {
        for (int i = 0; i < 30; i++) {
            if (liveSession() == null) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** {@code e} as a {@link ConnectionLostException} when the connection went away meanwhile, else unchanged. */
    private IOException lostOr(IOException e, boolean mayHaveRun) {
        if (e instanceof ConnectionLostException || !dropped()) {
            return e;
        }
        return new ConnectionLostException(e.getMessage(), e, mayHaveRun);
    }

    private int timeoutMs() {
        return (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
    }

    // ---------------------------------------------------------------- commands

    /**
     * Runs {@code Shell.join(argv)} on the host with stdin at end-of-file. A {@code null}, zero or negative timeout
     * means no limit; on timeout the remote command is sent SIGTERM and its channel closed (OpenSSH delivers the
     * signal from 7.9 on, though not for root logins, which lack post-authentication privilege separation; a
     * command that ignores it runs on until it writes to its closed output).
     *
     * @throws ExecTimeoutException on timeout
     * @throws IOException if the channel cannot be opened or the connection is lost
     */
    @Override
    public ExecResult exec(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        String command = Shell.join(argv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        channels.acquire();
        ChannelExec channel = null;
        boolean sent = false;
        try {
            Session session = sessionForUse();
            channel = openExec(session, command);
            channel.setOutputStream(out);
            channel.setErrStream(err);
            sent = true;
            connectExec(channel);
            if (!waitClosed(channel, timeout)) {
                try {
                    channel.sendSignal("TERM");
                } catch (Exception e) {
                    // older servers ignore signals; closing the channel below is all we can do then
                }
                throw new ExecTimeoutException(timeout, new ExecResult(command, -1, text(out), text(err)));
            }
            int status = channel.getExitStatus();
            String stderr = text(err);
            if (status < 0) {
                if (channel.getExitSignal() == null) {
                    // a server always reports an exit status or signal; without either the connection went away
                    throw new ConnectionLostException("no exit status from " + describe() + " (connection lost) for: "
                            + command + "\n" + new ExecResult(command, status, text(out), stderr).evidence(), null, true);
                }
                stderr += (stderr.isEmpty() ? "" : "\n") + "[the remote command was killed by signal " + channel.getExitSignal() + "]";
            }
            return new ExecResult(command, status, text(out), stderr);
        } catch (JSchException e) {
            throw lostOr(failure("cannot run " + command, e), sent);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
            channels.release();
        }
    }

    /**
     * Connects an exec channel. JSch has a race here: when the command finishes and the server closes the
     * channel before connect() has started the channel's stdin thread, the close clears the thread and
     * connect() fails with a NullPointerException (seen about once in 300 quick commands). The command has
     * run by then and its output and exit status have arrived, so that failure is read as success; running
     * the command again would repeat it (an sbatch, say).
     */
    private void connectExec(ChannelExec channel) throws JSchException {
        try {
            channel.connect(timeoutMs());
        } catch (JSchException e) {
            if (!(e.getCause() instanceof NullPointerException) || !channel.isClosed()) {
                throw e;
            }
        }
    }

    private static ChannelExec openExec(Session session, String command) throws JSchException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command.getBytes(StandardCharsets.UTF_8));
        channel.setInputStream(new ByteArrayInputStream(new byte[0])); // the remote stdin sees EOF at once
        return channel;
    }

    /** Waits for the channel to close (the exit status arrives before that); false if the timeout expired. */
    private static boolean waitClosed(ChannelExec channel, Duration timeout) throws InterruptedException {
        long deadline = timeout == null || timeout.isZero() || timeout.isNegative()
                ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long sleepMs = 1;
        while (!channel.isClosed()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(sleepMs); // JSch has no close notification; back off to 50 ms
            sleepMs = Math.min(50, sleepMs * 2);
        }
        return true;
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- single files (SFTP)

    /** Creates missing directories one by one over SFTP, each chmod-ed to {@code mode} (so the umask does not apply). */
    @Override
    public void mkdirs(String remoteDir, int mode) throws IOException {
        synchronized (sftpLock) {
            try {
                ChannelSftp s = sftp();
                if (isDirectory(s, remoteDir)) {
                    return;
                }
                String prefix = remoteDir.startsWith("/") ? "/" : "";
                for (String part : remoteDir.split("/")) {
                    if (part.isEmpty() || part.equals(".")) {
                        continue;
                    }
                    prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix + part : prefix + "/" + part;
                    if (isDirectory(s, prefix)) {
                        continue;
                    }
                    try {
                        s.mkdir(escape(prefix));
                        s.chmod(mode, escape(prefix));
                    } catch (SftpException e) {
                        if (!isDirectory(s, prefix)) { // not created by someone else in the meantime
                            throw e;
                        }
                    }
                }
            } catch (SftpException | JSchException e) {
                throw lostOr(failure("cannot create directory " + remoteDir, e), true);
            }
        }
    }

    private static boolean isDirectory(ChannelSftp s, String path) throws SftpException {
        try {
            SftpATTRS attrs = s.stat(escape(path));
            if (!attrs.isDir()) {
                throw new SftpException(ChannelSftp.SSH_FX_FAILURE, path + " exists and is not a directory");
            }
            return true;
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Copies a local file to the host as {@code .NAME.part-RANDOM} in the target directory, then renames it over
     * the target (atomically where the server offers posix-rename@openssh.com, as OpenSSH does). The remote file
     * gets the local file's permission bits that the host's umask allows (as a file created there would).
     */
    @Override
    public void upload(Path local, String remotePath) throws IOException {
        String tmp = sibling(remotePath, LocalFiles.partName(baseName(remotePath)));
        int mode = 0644;
        try {
            mode = LocalFiles.mode(Files.getPosixFilePermissions(local));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default
        }
        mode &= ~remoteUmask();
        synchronized (sftpLock) {
            ChannelSftp s = null;
            try (InputStream in = Files.newInputStream(local)) {
                s = sftp();
                s.put(in, escape(tmp), ChannelSftp.OVERWRITE);
                s.chmod(mode, escape(tmp));
                if (s.getExtension("posix-rename@openssh.com") == null) {
                    // plain SFTP rename refuses to replace a file: make room (not atomic, but never half a file)
                    try {
                        s.rm(escape(remotePath));
                    } catch (SftpException e) {
                        if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                            throw e;
                        }
                    }
                }
                s.rename(escape(tmp), escape(remotePath));
            } catch (SftpException | JSchException e) {
                removeQuietly(s, tmp);
                throw lostOr(failure("cannot upload " + local + " to " + remotePath, e), true);
            }
        }
    }

    /** Copies a remote file to a temporary file next to {@code local} (SFTP with 64 requests in flight), then renames it. */
    @Override
    public void download(String remotePath, Path local) throws IOException {
        Path target = local.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.getParent().resolve(LocalFiles.partName(target.getFileName().toString()));
        try {
            synchronized (sftpLock) {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    sftp().get(escape(remotePath), out);
                } catch (SftpException | JSchException e) {
                    throw lostOr(failure("cannot download " + remotePath + " to " + local, e), true);
                }
            }
            LocalFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The SFTP channel, opened on first use and again after the session was replaced. Call with sftpLock held. */
    private ChannelSftp sftp() throws JSchException, ConnectionLostException {
        Session session = sessionForUse();
        if (sftp == null || !sftp.isConnected() || sftp.getSession() != session) {
            if (sftp != null) {
                sftp.disconnect();
            }
            ChannelSftp channel = (ChannelSftp) session.openChannel("sftp");
            channel.setBulkRequests(64); // measured: about 15 % faster than the default of 16 on large files
            channel.connect(timeoutMs());
            sftp = channel;
        }
        return sftp;
    }

    private static void removeQuietly(ChannelSftp s, String path) {
        if (s != null && s.isConnected()) {
            try {
                s.rm(escape(path));
            } catch (SftpException e) {
                // it may never have been created
            }
        }
    }

    /** ChannelSftp expands {@code *} and {@code ?} in paths; a backslash makes them (and itself) literal. */
    static String escape(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        for (char c : path.toCharArray()) {
            if (c == '\\' || c == '*' || c == '?') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String baseName(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** The umask of a login on the host ({@code umask} in a shell there), asked once per transport. */
    private int remoteUmask() throws IOException {
        Integer u = umask;
        if (u == null) {
            ExecResult r;
            try {
                r = exec(List.of("sh", "-c", "umask"), Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while asking the umask on " + options.describe());
            }
            String out = r.stdout().strip();
            if (!r.ok() || !out.matches("[0-7]{1,4}")) {
                throw new IOException("cannot read the umask on " + options.describe() + ":\n" + r.evidence());
            }
            u = Integer.parseInt(out, 8);
            umask = u;
        }
        return u;
    }

    private static String sibling(String path, String name) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? name : path.substring(0, slash + 1) + name;
    }

    // ---------------------------------------------------------------- many files (tar over exec)

    /**
     * Copies many files at once: {@code tar -cf - -C remoteDir -- paths...} runs on the host and its output is
     * extracted here into {@code localDir} (directories recursively; each file through a temporary name). Entries
     * outside the requested paths, absolute names, {@code ..}, links and devices are refused.
     *
     * @param relativePaths paths relative to {@code remoteDir}; no {@code ..}, not absolute
     * @throws IOException if tar fails on the host (e.g. a missing file; the others are still copied) or the stream
     *     is refused
     */
    public void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException, InterruptedException {
        for (List<String> batch : TarPolicy.argumentBatches(relativePaths)) {
            List<String> argv = new ArrayList<>(List.of("tar", "-cf", "-", "-C", remoteDir, "--"));
            argv.addAll(batch);
            streamTar(argv, channel -> {
                try (InputStream in = channel.getInputStream()) {
                    channel.connect(timeoutMs());
                    Tar.extract(in, localDir, batch);
                    in.transferTo(OutputStream.nullOutputStream()); // tar pads its output to whole records
                }
            });
        }
    }

    /**
     * The reverse of {@link #downloadTree}: the files are sent as one tar stream into {@code tar -xf - -C remoteDir}
     * on the host, which must exist. The host's tar writes files in place (not through temporary names).
     */
    public void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException, InterruptedException {
        for (String p : relativePaths) {
            TarPolicy.checkRelative(p);
        }
        List<String> argv = List.of("tar", "-xf", "-", "--no-same-owner", "-C", remoteDir);
        streamTar(argv, channel -> {
            try (OutputStream out = channel.getOutputStream()) {
                channel.connect(timeoutMs());
                Tar.write(out, localDir, relativePaths);
            } // closing sends EOF, which ends the remote tar
        });
    }

    private interface TarStream {
        void transfer(ChannelExec channel) throws IOException, JSchException;
    }

    private void streamTar(List<String> argv, TarStream transfer) throws IOException, InterruptedException {
        String command = Shell.join(argv);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        channels.acquire();
        ChannelExec channel = null;
        try {
            channel = (ChannelExec) sessionForUse().openChannel("exec");
            channel.setCommand(command.getBytes(StandardCharsets.UTF_8));
            channel.setErrStream(err);
            IOException streamFailure = null;
            try {
                transfer.transfer(channel);
            } catch (IOException e) {
                streamFailure = e;
            }
            if (streamFailure == null) {
                waitClosed(channel, null);
            } else {
                Thread.sleep(200); // give tar's own complaint a moment to arrive: it usually explains the failure
            }
            int status = channel.isClosed() ? channel.getExitStatus() : -1;
            if (streamFailure != null || status != 0) {
                String what = streamFailure != null ? streamFailure.getMessage() : "tar failed";
                throw lostOr(new IOException("file transfer with " + describe() + " failed: " + what + "\n"
                        + new ExecResult(command, status, "", text(err)).evidence(), streamFailure), true);
            }
        } catch (JSchException e) {
            throw lostOr(failure("cannot run " + command, e), true);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
            channels.release();
        }
    }

    // ---------------------------------------------------------------- port forwarding (pvrun serve)

    /**
     * Listens on 127.0.0.1:{@code localPort} here and carries every connection to it through this session to
     * {@code host:port} as the SSH host resolves and reaches them (a direct-tcpip channel per connection, so a
     * jump-host chain is included). Port 0 takes any free port.
     *
     * @return the local port listened on
     * @throws IOException if the port cannot be bound or the session is gone
     */
    public int forwardLocal(int localPort, String host, int port) throws IOException {
        try {
            return session().setPortForwardingL("127.0.0.1", localPort, host, port);
        } catch (JSchException e) {
            throw failure("cannot forward 127.0.0.1:" + localPort + " to " + host + ":" + port, e);
        }
    }

    /** Stops listening on 127.0.0.1:{@code localPort}; connections already forwarded end with the session. */
    public void closeLocalForward(int localPort) {
        Session s = liveSession();
        if (s != null) {
            try {
                s.delPortForwardingL("127.0.0.1", localPort);
            } catch (JSchException e) {
                // not forwarded (any more): nothing to close
            }
        }
    }

    /**
     * Asks the SSH host to listen on {@code bindAddress:remotePort} (0: a port of the server's choosing) and to
     * carry every connection back through this session to {@code host:port} as seen from here. OpenSSH binds a
     * non-loopback address only with {@code GatewayPorts clientspecified} (or {@code yes}); otherwise it
     * quietly listens on loopback.
     *
     * @return the port the SSH host listens on
     */
    public int forwardRemote(String bindAddress, int remotePort, String host, int port) throws IOException {
        try {
            int bound = session().setPortForwardingR(bindAddress + ":" + remotePort + ":" + host + ":" + port);
            // JSch wakes the requesting thread with Thread.interrupt() when the server's reply arrives; a reply
            // that comes before the thread sleeps leaves the flag set, and the next sleep or wait would fail
            Thread.interrupted();
            return bound;
        } catch (JSchException e) {
            throw failure("cannot listen on " + bindAddress + ":" + remotePort + " of the SSH host", e);
        }
    }

    /** Asks the SSH host to stop listening on {@code bindAddress:remotePort} (the port forwardRemote returned). */
    public void closeRemoteForward(String bindAddress, int remotePort) {
        Session s = liveSession();
        if (s != null) {
            try {
                s.delPortForwardingR(bindAddress, remotePort);
            } catch (JSchException e) {
                // not forwarded (any more): nothing to close
            }
        }
    }

    /** The current session if connected, without reconnecting: forwards live and die with their session. */
    private synchronized Session liveSession() {
        return connection != null && connection.isConnected() ? connection.session() : null;
    }

    // ---------------------------------------------------------------- errors and closing

    private IOException failure(String what, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
                Thread.currentThread().interrupt(); // JSch swallowed the interrupt into its exception: restore it
                break;
            }
        }
        String detail = e.getMessage() != null ? e.getMessage() : e.toString();
        return new IOException(what + " on " + describe() + ": " + detail, e);
    }

    @Override
    public void close() {
        synchronized (sftpLock) {
            if (sftp != null) {
                sftp.disconnect();
                sftp = null;
            }
        }
        synchronized (this) {
            closed = true;
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }
}
