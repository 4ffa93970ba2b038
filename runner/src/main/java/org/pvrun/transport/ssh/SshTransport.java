package org.pvrun.transport.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.transport.PortForwarding;
import org.pvrun.transport.Transport;
import org.pvrun.util.Shell;
import org.pvrun.transport.RemoteTransport;
import org.pvrun.transport.TreeCopy;

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
public final class SshTransport extends RemoteTransport implements PortForwarding {
    static final int MAX_CHANNELS = 8;

    private final SshSessions sessions;
    private final SshExec exec;
    private final SshFiles files;

    @Override
    protected TreeCopy trees() {
        return files;
    }
    private final SshForwards forwards;

    /** Authentication questions go to the terminal. */
    public SshTransport(SshOptions options) {
        this(options, new SshSessionFactory());
    }

    public SshTransport(SshOptions options, SshSessionFactory factory) {
        this.sessions = new SshSessions(options, factory);
        this.exec = new SshExec(sessions);
        this.files = new SshFiles(sessions, exec);
        this.forwards = new SshForwards(sessions);
    }

    @Override
    public String describe() {
        return sessions.describe();
    }

    /**
     * Connects now rather than on first use, to report connection problems early.
     *
     * @throws org.pvrun.PvrunException (exit status 3) if the host cannot be reached, its key is refused, or login fails
     */
    public void connect() {
        sessions.session();
    }

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
        return exec.exec(argv, timeout);
    }

    /** Creates missing directories one by one over SFTP, each chmod-ed to {@code mode} (so the umask does not apply). */
    @Override
    public void mkdirs(String remoteDir, int mode) throws IOException {
        files.mkdirs(remoteDir, mode);
    }

    /**
     * Copies a local file to the host as {@code .NAME.part-RANDOM} in the target directory, then renames it over
     * the target (atomically where the server offers posix-rename@openssh.com, as OpenSSH does). The remote file
     * gets the local file's permission bits that the host's umask allows (as a file created there would).
     */
    @Override
    public void upload(Path local, String remotePath) throws IOException {
        files.upload(local, remotePath);
    }

    /** Copies a remote file to a temporary file next to {@code local} (SFTP with 64 requests in flight), then renames it. */
    @Override
    public void download(String remotePath, Path local) throws IOException {
        files.download(remotePath, local);
    }



    /**
     * Listens on 127.0.0.1:{@code localPort} here and carries every connection to it through this session to
     * {@code host:port} as the SSH host resolves and reaches them (a direct-tcpip channel per connection, so a
     * jump-host chain is included). Port 0 takes any free port.
     *
     * @return the local port listened on
     * @throws IOException if the port cannot be bound or the session is gone
     */
    @Override
    public int forwardLocal(int localPort, String host, int port) throws IOException {
        return forwards.forwardLocal(localPort, host, port);
    }

    /** Stops listening on 127.0.0.1:{@code localPort}; connections already forwarded end with the session. */
    @Override
    public void closeLocalForward(int localPort) {
        forwards.closeLocalForward(localPort);
    }

    /**
     * Asks the SSH host to listen on {@code bindAddress:remotePort} (0: a port of the server's choosing) and to
     * carry every connection back through this session to {@code host:port} as seen from here. OpenSSH binds a
     * non-loopback address only with {@code GatewayPorts clientspecified} (or {@code yes}); otherwise it
     * quietly listens on loopback.
     *
     * @return the port the SSH host listens on
     */
    @Override
    public int forwardRemote(String bindAddress, int remotePort, String host, int port) throws IOException {
        return forwards.forwardRemote(bindAddress, remotePort, host, port);
    }

    /** Asks the SSH host to stop listening on {@code bindAddress:remotePort} (the port forwardRemote returned). */
    @Override
    public void closeRemoteForward(String bindAddress, int remotePort) {
        forwards.closeRemoteForward(bindAddress, remotePort);
    }

    @Override
    public void close() {
        files.close();
        sessions.close();
    }
}
