package org.pvrun.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A transport to an SSH host (JSch's or the system's ssh): its tree copies are a part of their own
 * ({@link #trees()}: tar over an exec channel, SFTP, or rsync through the master connection), documented there.
 */
public abstract class RemoteTransport implements Transport {
    /** The part that copies trees. */
    protected abstract TreeCopy trees();

    /** A command on the host waits for new exit files ({@link ExitWatch}). */
    @Override
    public Watch watchExits(String dir, Duration patience) {
        return ExitWatch.start(this, dir, patience);
    }

    @Override
    public final void downloadTree(String remoteDir, List<String> relativePaths, Path localDir)
            throws IOException, InterruptedException {
        trees().downloadTree(remoteDir, relativePaths, localDir);
    }

    @Override
    public final void uploadTree(Path localDir, List<String> relativePaths, String remoteDir)
            throws IOException, InterruptedException {
        trees().uploadTree(localDir, relativePaths, remoteDir);
    }
}
