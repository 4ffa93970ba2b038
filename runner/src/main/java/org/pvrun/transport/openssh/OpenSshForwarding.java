package org.pvrun.transport.openssh;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalTransport;
import org.pvrun.transport.PortForwarding;

/**
 * Port forwards through an {@link OpenSshTransport}'s master connection, added and removed with OpenSSH's
 * multiplexing commands {@code ssh -O forward} and {@code ssh -O cancel} (ssh(1), {@code -O ctl_cmd}): they ride the
 * one authenticated connection, jump hosts included, like every command, and end with the master.
 *
 * <p>The control commands read no configuration ({@code -F /dev/null}): the socket is all they need, and a
 * {@code LocalForward} in the user's files must not be sent along. They also do without the transport's
 * {@code ClearAllForwardings=yes}, which would clear the very forward asked for. OpenSSH has no "any free port" for
 * {@code -L}, so a local forward needs its port; a remote one may ask for 0 and the master prints the port sshd
 * chose. A remote forward is cancelled by the specification it was asked with (port 0 included), which is why each
 * one is remembered.
 */
public final class OpenSshForwarding implements PortForwarding {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final OpenSshTransport ssh;
    private final String host;
    private final LocalTransport local = new LocalTransport();
    /** The -L and -R specifications in force, by local port and by "bind:port" on the SSH host. */
    private final Map<Integer, String> locals = new ConcurrentHashMap<>();
    private final Map<String, String> remotes = new ConcurrentHashMap<>();

    /** Forwards through {@code ssh}'s master; {@code host} is the name it connects to (ssh -O wants one). */
    public OpenSshForwarding(OpenSshTransport ssh, String host) {
        this.ssh = ssh;
        this.host = host;
    }

    @Override
    public int forwardLocal(int localPort, String toHost, int toPort) throws IOException, InterruptedException {
        if (localPort < 1 || localPort > 65535) {
            throw new IllegalArgumentException("OpenSSH forwards a given local port, not " + localPort);
        }
        String spec = "127.0.0.1:" + localPort + ":" + bracketed(toHost) + ":" + toPort;
        ExecResult r = control("forward", "-L", spec, true);
        if (!r.ok()) {
            throw new IOException("cannot forward 127.0.0.1:" + localPort + " to " + toHost + ":" + toPort + " through "
                    + ssh.describe() + ":\n" + r.evidence());
        }
        locals.put(localPort, spec);
        return localPort;
    }

    @Override
    public void closeLocalForward(int localPort) {
        String spec = locals.remove(localPort);
        if (spec != null) {
            cancel("-L", spec);
        }
    }

    @Override
    public int forwardRemote(String bindAddress, int remotePort, String toHost, int toPort)
            throws IOException, InterruptedException {
        String spec = bracketed(bindAddress) + ":" + remotePort + ":" + bracketed(toHost) + ":" + toPort;
        ExecResult r = control("forward", "-R", spec, true);
        int bound = remotePort;
        if (r.ok() && remotePort == 0) {
            // "the allocated port will be printed to the standard output" (ssh(1), -R with port 0, also for -O forward)
            String out = r.stdout().strip();
            bound = out.matches("\\d{1,5}") ? Integer.parseInt(out) : -1;
        }
        if (!r.ok() || bound < 1 || bound > 65535) {
            throw new IOException("cannot listen on " + bindAddress + ":" + remotePort + " of the SSH host through "
                    + ssh.describe() + ":\n" + r.evidence());
        }
        remotes.put(bindAddress + ":" + bound, spec);
        return bound;
    }

    @Override
    public void closeRemoteForward(String bindAddress, int remotePort) {
        String spec = remotes.remove(bindAddress + ":" + remotePort);
        if (spec != null) {
            cancel("-R", spec);
        }
    }

    /** Asks the running master only: a master that is gone took the forward along, and none is opened for this. */
    private void cancel(String kind, String spec) {
        try {
            control("cancel", kind, spec, false);
        } catch (IOException e) {
            // the master is gone, and the forward with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code ssh -O OPERATION KIND SPEC} to the master, opened first if {@code connect} and it is not running. */
    private ExecResult control(String operation, String kind, String spec, boolean connect)
            throws IOException, InterruptedException {
        if (connect) {
            ssh.connect();
        }
        Path socket = ssh.controlSocket();
        if (socket == null) {
            throw new IOException("no master connection to " + ssh.describe());
        }
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-S", socket.toString(), "-O", operation,
                kind, spec, host));
        return local.exec(argv, TIMEOUT);
    }

    /** An IPv6 address in a forward specification goes in brackets (ssh(1), -L). */
    private static String bracketed(String hostOrAddress) {
        return hostOrAddress.contains(":") ? "[" + hostOrAddress + "]" : hostOrAddress;
    }
}
