package org.pvrun.util;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where pvrun keeps its own files: the XDG base directories, from {@code $HOME} (docs/targets.md#home). SSH's
 * files are another matter: they follow OpenSSH's rule (the password database's home), see transport/ssh.
 */
public final class XdgDirs {
    private XdgDirs() {}

    /** {@code $XDG_CONFIG_HOME}, else {@code $HOME/.config}. */
    public static Path configHome(Map<String, String> env) {
        return base(env, "XDG_CONFIG_HOME", ".config");
    }

    /** {@code $XDG_STATE_HOME}, else {@code $HOME/.local/state}. */
    public static Path stateHome(Map<String, String> env) {
        return base(env, "XDG_STATE_HOME", ".local/state");
    }

    /** {@code $HOME}, else the password database's home. */
    public static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    private static Path base(Map<String, String> env, String variable, String fallback) {
        String v = env.get(variable);
        // the XDG spec: a relative value is invalid and is to be ignored
        return v != null && v.startsWith("/") ? Path.of(v) : home(env).resolve(fallback);
    }
}
