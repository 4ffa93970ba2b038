package org.pvrun.transport;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.pvrun.spec.Target;
import org.pvrun.transport.openssh.OpenSshTransport;
import org.pvrun.transport.ssh.SshOptions;
import org.pvrun.transport.ssh.SshTransport;

/** Opens the transport a target names: this machine when it has no host, else SSH (built-in JSch, or the system's ssh). */
public final class Transports {
    private Transports() {}

    /**
     * The target's transport; a remote one reconnects and repeats an operation whose connection dropped, for
     * as long as {@link Reconnecting#ENV} allows, saying so on {@code notes}.
     */
    public static Transport open(Target t, boolean acceptNewHostKey, Map<String, String> env, PrintStream notes) {
        if (!t.isRemote()) {
            return open(t, acceptNewHostKey, env);
        }
        java.time.Duration budget = Reconnecting.budget(env);
        return new Reconnecting(open(t, acceptNewHostKey, env), budget, notes);
    }

    public static Transport open(Target t, boolean acceptNewHostKey, Map<String, String> env) {
        if (!t.isRemote()) {
            return new LocalTransport();
        }
        if ("openssh".equals(t.transport())) {
            return OpenSshTransport.open(t, acceptNewHostKey, env);
        }
        return new SshTransport(sshOptions(t, acceptNewHostKey, env));
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
        return o;
    }
}
