package org.pvrun.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How commands run and files move on a target: this machine (local processes) or a remote host (SSH).
 * Independent of any scheduler. Remote paths are POSIX path strings on the target.
 */
public interface Transport extends AutoCloseable {

    /** A short human description, e.g. "local" or "ssh jdoe@hopper:22 via bastion". */
    String describe();

    /**
     * Runs one command given as an argument list (never through a local shell; a remote transport quotes
     * it with {@link org.pvrun.util.Shell#join}) and captures its output.
     */
    ExecResult exec(List<String> argv, Duration timeout) throws IOException, InterruptedException;

    /**
     * Runs a command that must not run twice, such as a job submission: unlike {@link #exec}, it is not repeated
     * after a dropped connection unless the connection was down before the command was sent.
     */
    default ExecResult execOnce(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        return exec(argv, timeout);
    }

    /** Creates a directory and its parents with the given POSIX mode (e.g. 0700) for the directories it creates. */
    void mkdirs(String remoteDir, int mode) throws IOException, InterruptedException;

    /** Copies a local file to the target: written under a temporary name, renamed when complete. */
    void upload(Path local, String remotePath) throws IOException, InterruptedException;

    /** Copies a target file to a local path: written under a temporary name, renamed when complete. */
    void download(String remotePath, Path local) throws IOException, InterruptedException;

    /**
     * Copies many files of {@code remoteDir} (paths relative to it, '/'-separated) into {@code localDir} in one
     * stream; each file is written under a temporary name and renamed when complete. Links are never followed.
     */
    void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException, InterruptedException;

    /** Copies many files of {@code localDir} (relative paths) into {@code remoteDir} in one stream. */
    void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException, InterruptedException;

    @Override
    void close() throws IOException;

    /**
     * Something to wait on for files appearing in {@code dirs}, or null when this transport cannot be told (the
     * caller then polls). A local target is watched, so a run learns of a task's verdict at once instead of at
     * its next poll.
     */
    default Watch watch(List<String> dirs) throws IOException {
        return null;
    }

    /**
     * Something to wait on for new {@code *.exit} files in {@code dir} when {@link #watch} cannot be had, or null: a
     * remote transport runs a command that waits on the host until their number changes ({@link ExitWatch}, one
     * command per {@code patience} while nothing happens), so that a job's end is seen within a second without
     * asking the scheduler more often.
     */
    default Watch watchExits(String dir, Duration patience) throws IOException {
        return null;
    }

    /** Files appearing in watched directories. */
    interface Watch extends AutoCloseable {
        /** Waits up to {@code millis} for a file to appear in a watched directory; true if one did. */
        boolean await(long millis) throws InterruptedException;

        /** False while the watch cannot see the host (its caller then polls on its own). */
        default boolean working() {
            return true;
        }

        @Override
        void close() throws IOException;
    }
}
