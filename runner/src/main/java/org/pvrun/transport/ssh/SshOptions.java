package org.pvrun.transport.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.OpenSSHConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.pvrun.PvrunException;
import org.pvrun.transport.SshHome;

/**
 * Everything needed to reach one SSH host: where, as whom, with which keys, which host keys to trust, and the
 * jump hosts on the way.
 *
 * @param host the target host name or address (also the name looked up in known_hosts)
 * @param port the target port
 * @param user the remote user name
 * @param identityFiles private keys to offer, in order (keys in ssh-agent are offered first when
 *     {@code SSH_AUTH_SOCK} is set)
 * @param knownHosts the known_hosts file (OpenSSH format; hashed entries are understood)
 * @param jumpHosts hops to go through, first to last, each {@code [user@]host[:port]} (a hop without a user
 *     uses {@link #user}); like OpenSSH's ProxyJump
 * @param acceptNewHostKey OpenSSH's {@code StrictHostKeyChecking accept-new}: a host with no key in known_hosts is
 *     trusted and its key added; a key that differs from the known one is refused regardless
 * @param connectTimeout limit for the TCP connection (or the jump host's channel) and the SSH handshake
 * @param keepAliveInterval how often to probe an idle connection; after {@code keepAliveCountMax} unanswered
 *     probes it counts as dead (OpenSSH's ServerAliveInterval/ServerAliveCountMax). Zero disables.
 * @param configFile the OpenSSH client configuration these options were read from (named in messages about the
 *     host name), or null
 */
public record SshOptions(
        String host,
        int port,
        String user,
        List<Path> identityFiles,
        Path knownHosts,
        List<String> jumpHosts,
        boolean acceptNewHostKey,
        Duration connectTimeout,
        Duration keepAliveInterval,
        Path configFile,
        int keepAliveCountMax) {

    public SshOptions(String host, int port, String user, List<Path> identityFiles, Path knownHosts,
            List<String> jumpHosts, boolean acceptNewHostKey, Duration connectTimeout, Duration keepAliveInterval) {
        this(host, port, user, identityFiles, knownHosts, jumpHosts, acceptNewHostKey, connectTimeout,
                keepAliveInterval, null, DEFAULT_KEEPALIVE_COUNT);
    }

    public SshOptions(String host, int port, String user, List<Path> identityFiles, Path knownHosts,
            List<String> jumpHosts, boolean acceptNewHostKey, Duration connectTimeout, Duration keepAliveInterval,
            Path configFile) {
        this(host, port, user, identityFiles, knownHosts, jumpHosts, acceptNewHostKey, connectTimeout,
                keepAliveInterval, configFile, DEFAULT_KEEPALIVE_COUNT);
    }

    /** OpenSSH's ServerAliveCountMax default. */
    public static final int DEFAULT_KEEPALIVE_COUNT = 3;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);

    public SshOptions {
        if (host == null || host.isBlank()) {
            throw PvrunException.invalid("SSH host name is empty");
        }
        if (port < 1 || port > 65535) {
            throw PvrunException.invalid("SSH port " + port + " for " + host + " is not between 1 and 65535");
        }
        if (user == null || user.isBlank()) {
            throw PvrunException.invalid("SSH user name for " + host + " is empty");
        }
        identityFiles = List.copyOf(identityFiles);
        Objects.requireNonNull(knownHosts, "knownHosts");
        jumpHosts = List.copyOf(jumpHosts);
        for (String hop : jumpHosts) {
            Hop.parse(hop, user); // fail early on a malformed hop
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        if (keepAliveCountMax < 1) {
            throw PvrunException.invalid("ServerAliveCountMax for " + host + " must be at least 1, found " + keepAliveCountMax);
        }
    }

    /**
     * The defaults OpenSSH would use with no configuration: port 22, the local user name, the existing
     * {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}, {@code ~/.ssh/known_hosts}, no jump hosts,
     * strict host key checking.
     */
    public static SshOptions of(String host) {
        return new SshOptions(host, 22, localUser(), defaultIdentityFiles(), sshDir().resolve("known_hosts"),
                List.of(), false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEEPALIVE);
    }

    /** {@link #fromSshConfig(String, Path)} with {@code ~/.ssh/config} (which need not exist). */
    public static SshOptions fromSshConfig(String alias) {
        return fromSshConfig(alias, sshDir().resolve("config"));
    }

    /**
     * Resolves a host alias the way {@code ssh ALIAS} would, from an OpenSSH client configuration file: HostName,
     * User, Port, IdentityFile (with {@code ~} and {@code %d %u %r %h %p %%}), ProxyJump (each hop's own HostName,
     * User, Port and IdentityFile are looked up too), UserKnownHostsFile, StrictHostKeyChecking accept-new,
     * ConnectTimeout and ServerAliveInterval. A missing file means OpenSSH's defaults. Not supported:
     * ProxyCommand (refused with a message), Match blocks, a hop's own ProxyJump.
     */
    public static SshOptions fromSshConfig(String alias, Path configFile) {
        OpenSSHConfig config;
        try {
            config = Files.exists(configFile) ? OpenSSHConfig.parseFile(configFile.toString()) : OpenSSHConfig.parse("");
        } catch (IOException e) {
            throw PvrunException.environment("cannot read the SSH configuration " + configFile + ": " + e.getMessage(), e);
        }
        ConfigRepository.Config c = config.getConfig(alias);
        String host = orElse(c.getHostname(), alias).replace("%h", alias);
        String user = orElse(c.getUser(), localUser());
        int port = c.getPort() > 0 ? c.getPort() : 22;

        String proxyCommand = c.getValue("ProxyCommand");
        String proxyJump = c.getValue("ProxyJump");
        if (proxyCommand != null && !proxyCommand.equalsIgnoreCase("none") && (proxyJump == null || proxyJump.isBlank())) {
            throw PvrunException.environment("The SSH configuration " + configFile + " reaches " + alias
                    + " with a ProxyCommand, which pvrun does not run. Use ProxyJump instead (OpenSSH 7.3 and later),"
                    + " e.g.\n  Host " + alias + "\n    ProxyJump user@jumphost");
        }

        Set<Path> identities = new LinkedHashSet<>(expandIdentities(c.getValues("IdentityFile"), user, host, port));
        List<String> jumps = new ArrayList<>();
        if (proxyJump != null && !proxyJump.isBlank() && !proxyJump.equalsIgnoreCase("none")) {
            for (String spec : proxyJump.split(",")) {
                Hop hop = Hop.parse(spec.trim(), null);
                ConfigRepository.Config hc = config.getConfig(hop.host());
                String hopHost = orElse(hc.getHostname(), hop.host()).replace("%h", hop.host());
                String hopUser = hop.user() != null ? hop.user() : hc.getUser();
                int hopPort = hop.port() > 0 ? hop.port() : (hc.getPort() > 0 ? hc.getPort() : 22);
                jumps.add(new Hop(hopUser, hopHost, hopPort).toString());
                identities.addAll(expandIdentities(hc.getValues("IdentityFile"), orElse(hopUser, user), hopHost, hopPort));
            }
        }
        List<Path> identityFiles = identities.isEmpty() ? defaultIdentityFiles() : List.copyOf(identities);

        Path knownHosts = sshDir().resolve("known_hosts");
        String khValue = c.getValue("UserKnownHostsFile");
        if (khValue != null && !khValue.isBlank() && !khValue.equalsIgnoreCase("none")) {
            knownHosts = Path.of(expand(khValue.trim().split("\\s+")[0], user, host, port));
        }
        boolean acceptNew = "accept-new".equalsIgnoreCase(orElse(c.getValue("StrictHostKeyChecking"), ""));
        Duration connectTimeout = seconds(c.getValue("ConnectTimeout"), DEFAULT_CONNECT_TIMEOUT);
        Duration keepAlive = seconds(c.getValue("ServerAliveInterval"), DEFAULT_KEEPALIVE);
        String countText = c.getValue("ServerAliveCountMax");
        int count = countText != null && countText.strip().matches("[1-9]\\d{0,3}") ? Integer.parseInt(countText.strip())
                : DEFAULT_KEEPALIVE_COUNT;
        return new SshOptions(host, port, user, identityFiles, knownHosts, jumps, acceptNew, connectTimeout, keepAlive,
                configFile, count);
    }

    public SshOptions withUser(String user) {
        return with(c -> c.user = user);
    }

    public SshOptions withPort(int port) {
        return with(c -> c.port = port);
    }

    public SshOptions withIdentityFiles(List<Path> identityFiles) {
        return with(c -> c.identityFiles = identityFiles);
    }

    public SshOptions withKnownHosts(Path knownHosts) {
        return with(c -> c.knownHosts = knownHosts);
    }

    public SshOptions withJumpHosts(List<String> jumpHosts) {
        return with(c -> c.jumpHosts = jumpHosts);
    }

    public SshOptions withAcceptNewHostKey(boolean acceptNewHostKey) {
        return with(c -> c.acceptNewHostKey = acceptNewHostKey);
    }

    public SshOptions withConnectTimeout(Duration connectTimeout) {
        return with(c -> c.connectTimeout = connectTimeout);
    }

    public SshOptions withKeepAliveInterval(Duration keepAliveInterval) {
        return with(c -> c.keepAliveInterval = keepAliveInterval);
    }

    public SshOptions withKeepAliveCountMax(int keepAliveCountMax) {
        return with(c -> c.keepAliveCountMax = keepAliveCountMax);
    }

    /** A copy with one component changed, checked again by the canonical constructor. */
    private SshOptions with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new SshOptions(c.host, c.port, c.user, c.identityFiles, c.knownHosts, c.jumpHosts, c.acceptNewHostKey,
                c.connectTimeout, c.keepAliveInterval, c.configFile, c.keepAliveCountMax);
    }

    /** The components of a copy being made, for {@link #with(Consumer)}. */
    private static final class Copy {
        String host;
        int port;
        String user;
        List<Path> identityFiles;
        Path knownHosts;
        List<String> jumpHosts;
        boolean acceptNewHostKey;
        Duration connectTimeout;
        Duration keepAliveInterval;
        Path configFile;
        int keepAliveCountMax;

        Copy(SshOptions o) {
            host = o.host;
            port = o.port;
            user = o.user;
            identityFiles = o.identityFiles;
            knownHosts = o.knownHosts;
            jumpHosts = o.jumpHosts;
            acceptNewHostKey = o.acceptNewHostKey;
            connectTimeout = o.connectTimeout;
            keepAliveInterval = o.keepAliveInterval;
            configFile = o.configFile;
            keepAliveCountMax = o.keepAliveCountMax;
        }
    }

    /** The hops to connect through, then the target itself, each with its user filled in. */
    public List<Hop> route() {
        List<Hop> route = new ArrayList<>();
        for (String spec : jumpHosts) {
            route.add(Hop.parse(spec, user));
        }
        route.add(new Hop(user, host, port));
        return route;
    }

    /** e.g. {@code jdoe@hopper:22 via jdoe@bastion:22}. */
    public String describe() {
        List<Hop> route = route();
        StringBuilder sb = new StringBuilder(route.get(route.size() - 1).toString());
        if (route.size() > 1) {
            sb.append(" via ");
            for (int i = 0; i < route.size() - 1; i++) {
                sb.append(i > 0 ? ", " : "").append(route.get(i));
            }
        }
        return sb.toString();
    }

    /**
     * One SSH endpoint on the route.
     *
     * @param user may be null until filled with a default
     * @param port 0 when a parsed spec gave none
     */
    public record Hop(String user, String host, int port) {
        /** Parses {@code [ssh://][user@]host[:port]}, with {@code [v6-address]:port} for IPv6. */
        public static Hop parse(String spec, String defaultUser) {
            String s = spec == null ? "" : spec.trim();
            if (s.startsWith("ssh://")) {
                s = s.substring("ssh://".length());
            }
            String user = defaultUser;
            int at = s.lastIndexOf('@');
            if (at >= 0) {
                user = s.substring(0, at);
                s = s.substring(at + 1);
            }
            String host = s;
            int port = defaultUser == null ? 0 : 22;
            try {
                if (s.startsWith("[")) {
                    int close = s.indexOf(']');
                    host = s.substring(1, close);
                    if (close + 1 < s.length()) {
                        if (s.charAt(close + 1) != ':') {
                            throw new NumberFormatException();
                        }
                        port = Integer.parseInt(s.substring(close + 2));
                    }
                } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                    host = s.substring(0, s.indexOf(':'));
                    port = Integer.parseInt(s.substring(s.indexOf(':') + 1));
                }
            } catch (RuntimeException e) {
                throw PvrunException.invalid("invalid jump host '" + spec + "': expected [user@]host[:port]");
            }
            if (host.isBlank() || (user != null && user.isBlank()) || port < 0 || port > 65535) {
                throw PvrunException.invalid("invalid jump host '" + spec + "': expected [user@]host[:port]");
            }
            return new Hop(user, host, port);
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return (user != null ? user + "@" : "") + h + (port > 0 ? ":" + port : "");
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * {@code ~/.ssh} as OpenSSH finds it: {@code ~} is the home directory of the password database (Java's
     * {@code user.home}), not {@code $HOME}, so a CI runner or {@code sudo -E} with another {@code HOME} still
     * reads the user's own keys and configuration, as {@code ssh} itself does (docs/targets.md#home).
     */
    static Path sshDir() {
        return SshHome.sshDir();
    }

    /**
     * Where a host name that does not resolve was looked for as an alias, for the message: the configuration
     * file, whether it exists, and where {@code ~} is.
     */
    public String aliasNote() {
        if (configFile == null) {
            return "";
        }
        return " It is not a Host alias in " + SshHome.file(configFile)
                + (configFile.startsWith(sshDir()) ? "; " + SshHome.RULE : "") + ".";
    }

    private static String localUser() {
        return System.getProperty("user.name");
    }

    private static List<Path> defaultIdentityFiles() {
        List<Path> ids = new ArrayList<>();
        for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
            Path p = sshDir().resolve(name);
            if (Files.isRegularFile(p)) {
                ids.add(p);
            }
        }
        return ids;
    }

    private static List<Path> expandIdentities(String[] values, String user, String host, int port) {
        List<Path> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null && !v.isBlank() && !v.equalsIgnoreCase("none")) {
                    out.add(Path.of(expand(v.trim(), user, host, port)));
                }
            }
        }
        return out;
    }

    /** ssh_config(5) TOKENS that make sense for file names. */
    private static String expand(String value, String user, String host, int port) {
        String home = System.getProperty("user.home");
        String v = value;
        if (v.equals("~") || v.startsWith("~/")) {
            v = home + v.substring(1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch != '%' || i + 1 == v.length()) {
                sb.append(ch);
                continue;
            }
            char t = v.charAt(++i);
            switch (t) {
                case '%' -> sb.append('%');
                case 'd' -> sb.append(home);
                case 'u' -> sb.append(localUser());
                case 'r' -> sb.append(user);
                case 'h' -> sb.append(host);
                case 'p' -> sb.append(port);
                default -> sb.append('%').append(t);
            }
        }
        return sb.toString();
    }

    /** OpenSSHConfig already converts ConnectTimeout and ServerAliveInterval to milliseconds. */
    private static Duration seconds(String value, Duration fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long ms = Long.parseLong(value.trim().toLowerCase(Locale.ROOT));
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
