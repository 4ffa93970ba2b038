package org.pvrun.transport.openssh;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.pvrun.PvrunException;

/**
 * What the system's {@code ssh} is told about one target. Only what the target sets is passed on; everything else
 * (HostName, User, Port, IdentityFile, ProxyJump, GSSAPI, ...) comes from the user's OpenSSH configuration, resolved
 * by OpenSSH itself.
 *
 * @param host the host name or ~/.ssh/config alias, passed to ssh as given
 * @param port {@code -p}, or null
 * @param user {@code -l}, or null
 * @param identity an identity file offered to the host and its jump hosts, or null
 * @param jumpHosts {@code -J}, each {@code [user@]host[:port]}; empty for none (a ProxyJump in the config still applies)
 * @param knownHosts UserKnownHostsFile for the host and its jump hosts, or null for the configuration's
 * @param acceptNewHostKey StrictHostKeyChecking accept-new instead of yes
 * @param configFile the OpenSSH configuration to read instead of ~/.ssh/config and /etc/ssh/ssh_config
 *     ({@code PVRUN_SSH_CONFIG}), or null
 * @param treeMethod how many files move at once
 */
public record OpenSshOptions(
        String host,
        Integer port,
        String user,
        Path identity,
        List<String> jumpHosts,
        Path knownHosts,
        boolean acceptNewHostKey,
        Path configFile,
        TreeMethod treeMethod,
        Keepalive keepalive) {

    /**
     * The target's own ServerAliveInterval and ServerAliveCountMax, which win over the user's ssh_config; null
     * leaves them to it (and to pvrun's default of 30 s, 3 probes).
     */
    public record Keepalive(java.time.Duration interval, int countMax) {}

    public OpenSshOptions(String host, Integer port, String user, Path identity, List<String> jumpHosts, Path knownHosts,
            boolean acceptNewHostKey, Path configFile, TreeMethod treeMethod) {
        this(host, port, user, identity, jumpHosts, knownHosts, acceptNewHostKey, configFile, treeMethod, null);
    }

    /** How {@code downloadTree} moves files ({@code uploadTree} always pipes the local tar into the host's). */
    public enum TreeMethod {
        /**
         * What measured fastest: downloads by rsync when both sides have it (else tar into pvrun's tar reader),
         * uploads by the local tar piped into the host's.
         */
        AUTO,
        /** Downloads by {@code rsync -e 'ssh -S ...'} (it must be installed on both sides). */
        RSYNC,
        /** Downloads as a tar stream into pvrun's own tar reader (what AUTO falls back to). */
        TAR
    }

    /** No whitespace, no leading '-' (ssh would read it as an option), nothing a shell or ssh_config would split. */
    private static final Pattern NAME = Pattern.compile("[^\\s\\-,'\"\\\\][^\\s,'\"\\\\]*");

    public OpenSshOptions {
        if (host == null || !NAME.matcher(host).matches()) {
            throw PvrunException.invalid("invalid SSH host name '" + host + "'");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw PvrunException.invalid("SSH port " + port + " for " + host + " is not between 1 and 65535");
        }
        if (user != null && !NAME.matcher(user).matches()) {
            throw PvrunException.invalid("invalid SSH user name '" + user + "' for " + host);
        }
        jumpHosts = List.copyOf(jumpHosts);
        for (String hop : jumpHosts) {
            if (!NAME.matcher(hop).matches()) {
                throw PvrunException.invalid("invalid jump host '" + hop + "': expected [user@]host[:port]");
            }
        }
        if (treeMethod == null) {
            treeMethod = TreeMethod.AUTO;
        }
    }

    public OpenSshOptions withKeepalive(Keepalive k) {
        return new OpenSshOptions(host, port, user, identity, jumpHosts, knownHosts, acceptNewHostKey, configFile, treeMethod, k);
    }

    public OpenSshOptions withTreeMethod(TreeMethod method) {
        return new OpenSshOptions(host, port, user, identity, jumpHosts, knownHosts, acceptNewHostKey, configFile, method, keepalive);
    }

    public OpenSshOptions withKnownHosts(Path file) {
        return new OpenSshOptions(host, port, user, identity, jumpHosts, file, acceptNewHostKey, configFile, treeMethod, keepalive);
    }

    public OpenSshOptions withAcceptNewHostKey(boolean accept) {
        return new OpenSshOptions(host, port, user, identity, jumpHosts, knownHosts, accept, configFile, treeMethod, keepalive);
    }

    /** {@code [user@]host[:port]} as far as the target sets them, and the jump hosts. */
    public String describe() {
        String s = (user != null ? user + "@" : "") + host + (port != null ? ":" + port : "");
        return jumpHosts.isEmpty() ? s : s + " via " + String.join(",", jumpHosts);
    }
}
