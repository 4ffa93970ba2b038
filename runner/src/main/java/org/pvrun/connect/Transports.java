package org.pvrun.connect;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.Target;
import org.pvrun.transport.openssh.OpenSshForwarding;
import org.pvrun.transport.openssh.OpenSshOptions;
import org.pvrun.transport.openssh.OpenSshTransport;
import org.pvrun.transport.ssh.SshOptions;
import org.pvrun.transport.ssh.SshTransport;
import org.pvrun.transport.Transport;
import org.pvrun.transport.LocalTransport;

/**
 * How every command reaches a target ({@code run}, {@code fetch}, {@code status}, {@code logs}, {@code cancel},
 * {@code rerun}, {@code doctor}, {@code serve}): this machine when it has no host, else SSH through the transport its
 * {@code transport:} names (built-in JSch, or the system's OpenSSH client), with the same host-key trust
 * ({@code --accept-new-host-key}), the same reconnection ({@link Reconnecting}, {@value Reconnecting#ENV}) and port
 * forwarding over the same connection.
 */
public final class Transports {
    private Transports() {}

    /**
     * The target's connection; a remote one reconnects and repeats an operation whose connection dropped, for as long
     * as {@link Reconnecting#ENV} allows, saying so on {@code notes}.
     *
     * @throws org.pvrun.PvrunException (exit 2) for a bad {@value Reconnecting#ENV} or SSH setting
     */
    public static Connection connect(Target t, boolean acceptNewHostKey, Map<String, String> env, PrintStream notes) {
        if (!t.isRemote()) {
            return new Connection(t, new LocalTransport(), null);
        }
        java.time.Duration budget = Reconnecting.budget(env);
        if (OPENSSH.equals(t.transport())) {
            OpenSshOptions o = openSshOptions(t, acceptNewHostKey, env);
            OpenSshTransport ssh = new OpenSshTransport(o);
            return new Connection(t, new Reconnecting(ssh, budget, notes), new OpenSshForwarding(ssh, o.host()));
        }
        SshTransport ssh = new SshTransport(sshOptions(t, acceptNewHostKey, env));
        return new Connection(t, new Reconnecting(ssh, budget, notes), ssh);
    }

    /** The transport of {@link #connect}, for work that needs no forwards. */
    public static Transport open(Target t, boolean acceptNewHostKey, Map<String, String> env, PrintStream notes) {
        return connect(t, acceptNewHostKey, env, notes).transport();
    }

    /**
     * The bare transport, without reconnection: for tests and measurements of one connection. Commands use
     * {@link #connect}.
     */
    public static Transport open(Target t, boolean acceptNewHostKey, Map<String, String> env) {
        if (!t.isRemote()) {
            return new LocalTransport();
        }
        if (OPENSSH.equals(t.transport())) {
            return new OpenSshTransport(openSshOptions(t, acceptNewHostKey, env));
        }
        return new SshTransport(sshOptions(t, acceptNewHostKey, env));
    }

    /** The SSH host as the target's settings reach it ({@code user@host:port via jump hosts}), without connecting. */
    public static String describeHost(Target t, Map<String, String> env) {
        if (!t.isRemote()) {
            return "this machine";
        }
        return OPENSSH.equals(t.transport()) ? openSshOptions(t, false, env).describe()
                : sshOptions(t, false, env).describe();
    }

    private static final String OPENSSH = "openssh";

    /** The target's settings for the OpenSSH client; {@code PVRUN_SSH_CONFIG} in {@code env} names another configuration file. */
    public static OpenSshOptions openSshOptions(Target t, boolean acceptNewHostKey, Map<String, String> env) {
        String config = env.get("PVRUN_SSH_CONFIG");
        return new OpenSshOptions(t.host(), t.port(), t.user(), t.identity() == null ? null : Path.of(t.identity()),
                t.jump(), t.knownHosts() == null ? null : Path.of(t.knownHosts()), acceptNewHostKey,
                config == null || config.isBlank() ? null : Path.of(config), OpenSshOptions.TreeMethod.AUTO,
                t.keepalive() == null ? null : new OpenSshOptions.Keepalive(t.keepalive().interval(), t.keepalive().count()));
    }

    /** The target's SSH options: ~/.ssh/config first (HostName, User, Port, IdentityFile, ProxyJump), the target's own keys over it. */
    public static SshOptions sshOptions(Target t, boolean acceptNewHostKey, Map<String, String> env) {
        String config = env.get("PVRUN_SSH_CONFIG");
        SshOptions o = config != null ? SshOptions.fromSshConfig(t.host(), Path.of(config)) : SshOptions.fromSshConfig(t.host());
        if (t.port() != null) {
            o = o.withPort(t.port());
        }
        if (t.user() != null) {
            o = o.withUser(t.user());
        }
        if (t.identity() != null) {
            o = o.withIdentityFiles(List.of(Path.of(t.identity())));
        }
        if (t.knownHosts() != null) {
            o = o.withKnownHosts(Path.of(t.knownHosts()));
        }
        if (!t.jump().isEmpty()) {
            o = o.withJumpHosts(t.jump());
        }
        if (acceptNewHostKey) {
            o = o.withAcceptNewHostKey(true);
        }
        if (t.keepalive() != null) {
            o = o.withKeepAliveInterval(t.keepalive().interval()).withKeepAliveCountMax(t.keepalive().count());
        }
        return o;
    }
}
