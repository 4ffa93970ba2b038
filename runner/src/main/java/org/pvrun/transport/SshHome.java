package org.pvrun.transport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ~} as OpenSSH takes it for its files: the home directory of the password database (Java's
 * {@code user.home}), not {@code $HOME}; both SSH transports follow it (docs/targets.md#home).
 */
public final class SshHome {
    /** What a message adds when it names a file under this {@code ~}. */
    public static final String RULE = "OpenSSH, and pvrun with it, takes ~ from the password database ("
            + System.getProperty("user.home") + "), whatever $HOME says";

    private SshHome() {}

    /** {@code ~/.ssh}. */
    public static Path sshDir() {
        return Path.of(System.getProperty("user.home"), ".ssh");
    }

    /** A file named in a message: its path, and {@code (no such file)} when it is not there. */
    public static String file(Path f) {
        return f + (Files.exists(f) ? "" : " (no such file)");
    }
}
