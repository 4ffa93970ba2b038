package org.pvrun.transport.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UIKeyboardInteractive;
import com.jcraft.jsch.UserInfo;
import java.io.ByteArrayInputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Vector;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.transport.SshCertificate;

/**
 * Turns {@link SshOptions} into a connected, authenticated {@link SshConnection}: one JSch session per hop, each
 * hop after the first carried in a direct-tcpip channel of the one before ({@link JumpProxy}).
 *
 * <ul>
 *   <li>Host keys: strict checking against the known_hosts file, optionally accept-new ({@link HostKeyVerifier}).
 *   <li>Authentication: public keys from ssh-agent (when {@code SSH_AUTH_SOCK} is set; JSch talks to the socket
 *       with Java 16's Unix-domain sockets, no extra dependency) and then the identity files; then
 *       keyboard-interactive (one-time codes) and password, asked through the {@link SshPrompter}. An encrypted
 *       key's passphrase is asked only once the server has accepted its public key. An identity file with
 *       {@code KEY-cert.pub} beside it is offered with that certificate first, then alone, as OpenSSH does; a
 *       refused login whose certificate is out of date says so ({@link SshCertificate}).
 *   <li>Host certificates and {@code @revoked}: JSch's own, from the {@code @cert-authority} and {@code @revoked}
 *       lines of the known_hosts file; a certificate whose CA is not trusted falls back to the plain key, which
 *       {@link HostKeyVerifier} checks.
 *   <li>Keepalives every {@link SshOptions#keepAliveInterval()}, three unanswered ones end the session.
 *   <li>Algorithms are JSch's defaults (aes128-gcm@openssh.com is negotiated with OpenSSH).
 * </ul>
 * Every failure is a {@link PvrunException} with exit status {@link ExitCode#ENVIRONMENT} and a message meant for
 * the user; secrets never appear in messages.
 */
public final class SshSessionFactory {
    private final SshPrompter prompter;
    private final String agentSocket;

    /** Asks questions on the terminal; uses ssh-agent if {@code SSH_AUTH_SOCK} is set. */
    public SshSessionFactory() {
        this(SshPrompter.console());
    }

    public SshSessionFactory(SshPrompter prompter) {
        this(prompter, System.getenv("SSH_AUTH_SOCK"));
    }

    /** @param agentSocket the ssh-agent socket, or null for none */
    public SshSessionFactory(SshPrompter prompter, String agentSocket) {
        this.prompter = prompter;
        this.agentSocket = agentSocket;
    }

    public SshConnection connect(SshOptions options) {
        JSch jsch = new JSch();
        HostKeyRepository known = knownHosts(jsch, options.knownHosts());
        Credentials credentials = credentials(options);
        List<SshOptions.Hop> route = options.route();
        List<Session> open = new ArrayList<>();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        try {
            for (int i = 0; i < route.size(); i++) {
                SshOptions.Hop hop = route.get(i);
                SshOptions.Hop via = i > 0 ? route.get(i - 1) : null;
                HostKeyVerifier verifier = new HostKeyVerifier(known, options.knownHosts(), options.acceptNewHostKey());
                Session session;
                try {
                    session = jsch.getSession(hop.user(), hop.host(), hop.port());
                    session.setIdentityRepository(credentials);
                    session.setHostKeyRepository(verifier);
                    session.setUserInfo(new Prompts(prompter, hop.toString()));
                    session.setConfig("StrictHostKeyChecking", "yes");
                    session.setConfig("PreferredAuthentications", "publickey,keyboard-interactive,password");
                    session.setDaemonThread(true);
                    if (!options.keepAliveInterval().isZero()) {
                        session.setServerAliveInterval((int) Math.min(Integer.MAX_VALUE, options.keepAliveInterval().toMillis()));
                        session.setServerAliveCountMax(options.keepAliveCountMax());
                    }
                    if (via != null) {
                        session.setProxy(new JumpProxy(open.get(i - 1), via.toString()));
                    }
                    session.connect(timeoutMs);
                } catch (JSchException e) {
                    throw translate(e, hop, via, verifier, credentials, options);
                }
                open.add(session);
            }
            return new SshConnection(open, "ssh " + options.describe());
        } catch (RuntimeException e) {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).disconnect();
            }
            throw e;
        }
    }

    private static HostKeyRepository knownHosts(JSch jsch, Path file) {
        try {
            if (Files.isRegularFile(file)) {
                jsch.setKnownHosts(file.toString());
            } else {
                jsch.setKnownHosts(new ByteArrayInputStream(new byte[0]));
            }
        } catch (JSchException e) {
            throw PvrunException.environment("cannot read the known hosts file " + file + ": " + e.getMessage(), e);
        }
        return jsch.getHostKeyRepository();
    }

    private Credentials credentials(SshOptions options) {
        List<Identity> files = new ArrayList<>();
        for (Path p : options.identityFiles()) {
            if (!Files.isRegularFile(p)) {
                throw PvrunException.environment("The SSH identity file " + p + " does not exist.");
            }
            // as OpenSSH does: KEY-cert.pub beside the key is offered first (the key with its certificate), then the
            // key alone (for hosts that have it in authorized_keys)
            Path cert = SshCertificate.besideKey(p);
            if (Files.isRegularFile(cert)) {
                files.addAll(load(p, cert));
            }
            files.addAll(load(p, null));
        }
        return new Credentials(agent(), files, options.identityFiles());
    }

    /**
     * The key {@code key}, with its certificate when {@code cert} is given, parsed by a throw-away JSch: adding keys to
     * the session's own JSch while an agent is in use would upload them into the agent. JSch reads a certificate given
     * as the "public key" file (and falls back to the plain key when the file is no certificate). Only the one-argument
     * {@code addIdentity} gives the key alone: the three-argument one with no public key file picks up
     * {@code KEY-cert.pub} by itself.
     */
    private static List<Identity> load(Path key, Path cert) {
        JSch loader = new JSch();
        try {
            if (cert == null) {
                loader.addIdentity(key.toString());
            } else {
                loader.addIdentity(key.toString(), cert.toString(), null);
            }
            return loader.getIdentityRepository().getIdentities();
        } catch (JSchException e) {
            throw PvrunException.environment("cannot use the SSH private key " + key
                    + (cert == null ? "" : " with its certificate " + cert) + ": " + e.getMessage(), e);
        }
    }

    private IdentityRepository agent() {
        if (agentSocket == null || agentSocket.isBlank()) {
            return null;
        }
        try {
            SSHAgentConnector connector = new SSHAgentConnector(Path.of(agentSocket));
            return connector.isAvailable() ? new AgentIdentityRepository(connector) : null;
        } catch (AgentProxyException | RuntimeException | LinkageError e) {
            return null; // an agent that cannot be reached is no reason to fail: the identity files may do
        }
    }

    private static PvrunException translate(JSchException e, SshOptions.Hop hop, SshOptions.Hop via,
            HostKeyVerifier verifier, Credentials credentials, SshOptions options) {
        PvrunException refusal = verifier.refusal();
        if (refusal != null) {
            return refusal;
        }
        String where = hop + (via != null ? " (through jump host " + via + ")" : "");
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof InterruptedException || root instanceof InterruptedIOException
                && !(root instanceof SocketTimeoutException)) {
            Thread.currentThread().interrupt();
            return new PvrunException(ExitCode.INTERRUPTED, "interrupted while connecting to " + where, e);
        }
        if (e instanceof JSchRevokedHostKeyException) {
            String name = hop.port() == 22 ? hop.host() : "[" + hop.host() + "]:" + hop.port();
            return PvrunException.environment("The host key of " + name + " is REVOKED: " + options.knownHosts()
                    + " marks it (or the CA that signed its certificate) @revoked, so pvrun refuses to connect, also with"
                    + " --accept-new-host-key.\n  JSch: " + msg + "\nA revoked key may be stolen and used to impersonate"
                    + " the host; ask its administrators.", e);
        }
        String certProblem = SshCertificate.problemOfKeys(options.identityFiles(), Instant.now());
        if ((msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")) && certProblem != null) {
            return PvrunException.environment("Could not log in to " + where + ": " + certProblem + "\n"
                    + "  keys offered: " + credentials.describe() + " (JSch: " + msg + ")", e);
        }
        if (msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")) {
            return PvrunException.environment("Could not log in to " + where + ": the server accepted none of the"
                    + " credentials offered (JSch: " + msg + ").\n"
                    + "  keys offered: " + credentials.describe() + "\n"
                    + "Check the user name, and that the public key is in ~/.ssh/authorized_keys of " + hop.user()
                    + " on " + hop.host() + ". Test with: ssh -p " + hop.port() + " " + hop.user() + "@" + hop.host(), e);
        }
        if (msg.contains("Too many authentication failures")) {
            return PvrunException.environment("Could not log in to " + where + ": the server gave up after too many"
                    + " keys were offered (its MaxAuthTries).\n"
                    + "  keys offered: " + credentials.describe() + "\n"
                    + "Name the right key as identity file, or remove unrelated keys from ssh-agent (ssh-add -D).", e);
        }
        if (root instanceof UnknownHostException) {
            return PvrunException.environment("Cannot connect to " + where + ": unknown host name " + hop.host() + "."
                    + (hop.host().equals(options.host()) ? options.aliasNote() : ""), e);
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException
                || root instanceof SocketTimeoutException || msg.startsWith("timeout")) {
            String reason = root.getMessage() != null ? root.getMessage() : msg;
            return PvrunException.environment("Cannot connect to " + where + ": " + reason
                    + ". Check the host name and port, and that the host is reachable from here (VPN, firewall).", e);
        }
        if (msg.contains("closed by foreign host")) {
            return PvrunException.environment("Cannot connect to " + where + ": the server closed the connection"
                    + " during the SSH handshake (too many connections at once, a firewall, or not an SSH server).", e);
        }
        return PvrunException.environment("SSH connection to " + where + " failed: " + msg, e);
    }

    /**
     * The keys to offer, in OpenSSH's order: the configured identity files (through the agent when it holds the
     * same key, so an encrypted file needs no passphrase), then the agent's other keys. Offering unrelated agent
     * keys first could exhaust the server's MaxAuthTries. Never adds to or removes from the agent.
     */
    private static final class Credentials implements IdentityRepository {
        private final IdentityRepository agent;
        private final List<Identity> files;
        private final List<Path> fileNames;

        Credentials(IdentityRepository agent, List<Identity> files, List<Path> fileNames) {
            this.agent = agent;
            this.files = files;
            this.fileNames = fileNames;
        }

        @Override
        public String getName() {
            return "pvrun";
        }

        @Override
        public int getStatus() {
            return RUNNING;
        }

        @Override
        public Vector<Identity> getIdentities() {
            List<Identity> fromAgent = new ArrayList<>(agentIdentities());
            Vector<Identity> ordered = new Vector<>();
            for (Identity file : files) {
                Identity same = null;
                for (Identity a : fromAgent) {
                    if (file.getPublicKeyBlob() != null && Arrays.equals(file.getPublicKeyBlob(), a.getPublicKeyBlob())) {
                        same = a;
                        break;
                    }
                }
                if (same != null) {
                    fromAgent.remove(same);
                    ordered.add(same);
                } else {
                    ordered.add(file);
                }
            }
            ordered.addAll(fromAgent);
            return ordered;
        }

        private List<Identity> agentIdentities() {
            if (agent == null) {
                return List.of();
            }
            try {
                return agent.getIdentities();
            } catch (RuntimeException e) {
                return List.of();
            }
        }

        String describe() {
            List<String> names = new ArrayList<>();
            for (Path f : fileNames) {
                Path cert = SshCertificate.besideKey(f);
                names.add(Files.isRegularFile(cert) ? f + " with its certificate " + cert.getFileName() : f.toString());
            }
            String keys = fileNames.isEmpty() ? "no identity files" : "identity files " + names;
            String agentPart = agent == null ? "no ssh-agent" : "ssh-agent with " + agentIdentities().size() + " key(s)";
            return keys + "; " + agentPart;
        }

        @Override
        public boolean add(byte[] identity) {
            return false;
        }

        @Override
        public boolean remove(byte[] blob) {
            return false;
        }

        @Override
        public void removeAll() {}
    }

    /** Answers JSch's questions through the prompter; when nobody can answer, fails with what was asked. */
    static final class Prompts implements UserInfo, UIKeyboardInteractive {
        private final SshPrompter prompter;
        private final String target;
        private String passphrase;
        private String password;

        Prompts(SshPrompter prompter, String target) {
            this.prompter = prompter;
            this.target = target;
        }

        @Override
        public String getPassphrase() {
            return passphrase;
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public boolean promptPassphrase(String message) {
            String answer = prompter.ask(message + ": ", false);
            if (answer == null) {
                String key = message.startsWith("Passphrase for ") ? message.substring("Passphrase for ".length()) : message;
                throw PvrunException.environment("The SSH private key " + key + " (accepted by " + target + ") is"
                        + " protected by a passphrase, and pvrun has no terminal to ask for it.\n"
                        + "Run pvrun from a terminal, or load the key into ssh-agent first (ssh-add " + key + ").");
            }
            passphrase = answer;
            return true;
        }

        @Override
        public boolean promptPassword(String message) {
            String answer = prompter.ask(message + ": ", false);
            if (answer == null) {
                throw PvrunException.environment("No SSH key was accepted by " + target + ", and the server asks for a"
                        + " password, but pvrun has no terminal to ask for it.\n"
                        + "Set up key authentication (ssh-copy-id), or run pvrun from a terminal.");
            }
            password = answer;
            return true;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
            prompter.show(message);
        }

        @Override
        public String[] promptKeyboardInteractive(String destination, String name, String instruction, String[] prompt,
                boolean[] echo) {
            String header = ((name == null ? "" : name) + "\n" + (instruction == null ? "" : instruction)).strip();
            if (!header.isEmpty()) {
                prompter.show(header);
            }
            String[] answers = new String[prompt.length];
            for (int i = 0; i < prompt.length; i++) {
                answers[i] = prompter.ask(prompt[i], echo[i]);
                if (answers[i] == null) {
                    throw PvrunException.environment(target + " asks for interactive input (\"" + prompt[i].strip()
                            + "\", e.g. a one-time code) after the SSH keys, and pvrun has no terminal to ask you.\n"
                            + "Run pvrun from a terminal.");
                }
            }
            return answers;
        }
    }
}
