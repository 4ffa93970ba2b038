package org.pvrun.transport.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.pvrun.transport.ConnectionLostException;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.ExecTimeoutException;
import org.pvrun.util.Shell;

/**
 * Commands on the host, each in an exec channel of the session: plain commands with their output collected,
 * and tar streams whose channel the caller reads or writes. At most {@value SshTransport#MAX_CHANNELS} at once.
 */
final class SshExec {
    private final SshSessions sessions;
    private final Semaphore channels = new Semaphore(SshTransport.MAX_CHANNELS, true);

    SshExec(SshSessions sessions) {
        this.sessions = sessions;
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
    ExecResult exec(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        String command = Shell.join(argv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        return onChannel(command, false, channel -> {
            channel.setInputStream(new ByteArrayInputStream(new byte[0])); // the remote stdin sees EOF at once
            channel.setOutputStream(out);
            channel.setErrStream(err);
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
                    throw new ConnectionLostException("no exit status from " + sessions.describe() + " (connection lost) for: "
                            + command + "\n" + new ExecResult(command, status, text(out), stderr).evidence(), null, true);
                }
                stderr += (stderr.isEmpty() ? "" : "\n") + "[the remote command was killed by signal " + channel.getExitSignal() + "]";
            }
            return new ExecResult(command, status, text(out), stderr);
        });
    }

    private interface OnChannel<T> {
        T run(ChannelExec channel) throws IOException, JSchException, InterruptedException;
    }

    /**
     * Runs {@code body} on a new exec channel for {@code command} (one of {@value SshTransport#MAX_CHANNELS}),
     * then closes the channel. A JSch failure after the channel is open may have left the command running on
     * the host (see {@link SshSessions#lostOr}); so may one while opening it, if {@code openFailureMayRun}.
     */
    private <T> T onChannel(String command, boolean openFailureMayRun, OnChannel<T> body)
            throws IOException, InterruptedException {
        channels.acquire();
        ChannelExec channel = null;
        try {
            channel = (ChannelExec) sessions.sessionForUse().openChannel("exec");
            channel.setCommand(command.getBytes(StandardCharsets.UTF_8));
            return body.run(channel);
        } catch (JSchException e) {
            throw sessions.lostOr(sessions.failure("cannot run " + command, e), channel != null || openFailureMayRun);
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
            channel.connect(SshSessions.CHANNEL_OPEN);
        } catch (JSchException e) {
            if (!(e.getCause() instanceof NullPointerException) || !channel.isClosed()) {
                throw e;
            }
        }
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

    interface TarStream {
        void transfer(ChannelExec channel) throws IOException, JSchException;
    }

    void streamTar(List<String> argv, TarStream transfer) throws IOException, InterruptedException {
        String command = Shell.join(argv);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        onChannel(command, true, channel -> {
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
                throw sessions.lostOr(new IOException("file transfer with " + sessions.describe() + " failed: " + what + "\n"
                        + new ExecResult(command, status, "", text(err)).evidence(), streamFailure), true);
            }
            return null;
        });
    }
}
