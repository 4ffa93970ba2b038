package org.pvrun.transport.openssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pvrun.transport.ConnectionLostException;
import org.pvrun.transport.Drain;
import org.pvrun.transport.ExecResult;

/**
 * The local programs that carry the OpenSSH transport's transfers (a session of the master, rsync driving one):
 * run with their output collected and a transfer done while they run, and their failure told apart from a lost
 * connection.
 */
final class OpenSshProcesses {
    /** How long to wait for a stream's last bytes after its program ended. */
    static final Duration DRAIN_WAIT = Duration.ofSeconds(10);

    private final OpenSshMaster master;

    OpenSshProcesses(OpenSshMaster master) {
        this.master = master;
    }

    record Result(int status, String stdout, String stderr, IOException streamFailure) {}

    interface StreamWork {
        void transfer(Process p) throws IOException;
    }

    /**
     * Runs a local program (a session of the master, or rsync driving one) with the given stdin and stdout, stderr
     * (and a piped stdout that {@code work} does not read) collected, and {@code work} (if any) done on this thread
     * while it runs. At most {@value #MAX_SESSIONS} at once; interrupts stop the program.
     */
    Result run(List<String> argv, ProcessBuilder.Redirect in, ProcessBuilder.Redirect out, StreamWork work,
            boolean workReadsStdout) throws IOException, InterruptedException {
        master.sessions().acquire();
        try {
            Process p = new ProcessBuilder(argv).redirectInput(in).redirectOutput(out).start();
            Drain err = new Drain(p.getErrorStream(), "openssh-stderr");
            Drain stdout = out == ProcessBuilder.Redirect.PIPE && !workReadsStdout ? new Drain(p.getInputStream(), "openssh-stdout")
                    : null;
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
                err.join(DRAIN_WAIT);
                if (stdout != null) {
                    stdout.join(DRAIN_WAIT);
                }
            } catch (InterruptedException e) {
                p.destroy();
                throw e;
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            return new Result(p.exitValue(), stdout == null ? "" : stdout.text(), err.text(), failure);
        } finally {
            master.sessions().release();
        }
    }

    void check(Result r, String command, String what) throws IOException, InterruptedException {
        if (r.status() == 0 && r.streamFailure() == null) {
            return;
        }
        // ssh says 255 when its connection goes, but rsync (12, a broken protocol stream) and pipelines say
        // their own numbers: whatever failed, a master that is gone means the connection was lost
        boolean lost = master.connectionLost();
        String reason = r.streamFailure() != null ? r.streamFailure().getMessage()
                : lost ? "the connection was lost" : "exit status " + r.status();
        if (lost) {
            throw new ConnectionLostException(what + ": " + reason + "\n"
                    + new ExecResult(command, r.status(), r.stdout(), r.stderr()).evidence(), r.streamFailure(), true);
        }
        throw new IOException(what + ": " + reason + "\n" + new ExecResult(command, r.status(), r.stdout(), r.stderr()).evidence(),
                r.streamFailure());
    }
}
