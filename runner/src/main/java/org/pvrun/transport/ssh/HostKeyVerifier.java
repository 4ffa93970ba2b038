package org.pvrun.transport.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.pvrun.PvrunException;

/**
 * Host key policy for one connection attempt, in front of JSch's known_hosts reader (which understands hashed
 * entries). JSch runs with StrictHostKeyChecking=yes; this class decides what "known" means:
 * <ul>
 *   <li>a matching key: accepted;</li>
 *   <li>no key for the host: refused, or with accept-new appended to the known_hosts file and accepted;</li>
 *   <li>a different key of the same type, or only keys of other types: always refused.</li>
 * </ul>
 * A refusal is remembered so that the factory can turn JSch's terse exception into {@link #refusal()}.
 * See ssh(1) "VERIFYING HOST KEYS" and ssh_config(5) StrictHostKeyChecking.
 */
final class HostKeyVerifier implements HostKeyRepository {
    private enum Kind { UNKNOWN, CHANGED }

    private final HostKeyRepository known;
    private final Path file;
    private final boolean acceptNew;
    private Kind problem;
    private String problemHost;
    private String offeredType;
    private String offeredFingerprint;
    private List<String> knownFingerprints = List.of();

    HostKeyVerifier(HostKeyRepository known, Path file, boolean acceptNew) {
        this.known = known;
        this.file = file;
        this.acceptNew = acceptNew;
    }

    @Override
    public synchronized int check(String host, byte[] key) {
        int result = known.check(host, key);
        if (result == OK) {
            return OK;
        }
        String type = keyType(key);
        List<String> others = new ArrayList<>();
        HostKey[] same = known.getHostKey(host, null);
        if (same != null) {
            for (HostKey k : same) {
                if (k.getMarker() == null || k.getMarker().isEmpty()) { // not @revoked, not @cert-authority
                    others.add(k.getType() + " " + fingerprint(Base64.getDecoder().decode(k.getKey())));
                }
            }
        }
        boolean changed = result == CHANGED || !others.isEmpty();
        if (!changed && acceptNew) {
            try {
                append(host, type, key);
            } catch (IOException e) {
                throw PvrunException.environment("cannot add the host key of " + host + " to " + file + ": " + e.getMessage(), e);
            }
            return OK;
        }
        // a host known only with other key types is treated like a changed key, as a server that suddenly no
        // longer offers the key type it had is just as suspicious
        problem = changed ? Kind.CHANGED : Kind.UNKNOWN;
        problemHost = host;
        offeredType = type;
        offeredFingerprint = fingerprint(key);
        knownFingerprints = others;
        return changed ? CHANGED : NOT_INCLUDED;
    }

    /** The user-facing error for the refused key, or null if nothing was refused. */
    synchronized PvrunException refusal() {
        if (problem == null) {
            return null;
        }
        String h = problemHost;
        if (problem == Kind.UNKNOWN) {
            return PvrunException.environment("The host key of " + h + " is unknown: it has no entry in " + file + ".\n"
                    + "  " + offeredType + " key fingerprint: " + offeredFingerprint + "\n"
                    + "Check this fingerprint with the host's administrators or documentation, then either\n"
                    + "  - run pvrun again with --accept-new-host-key (the key is added to " + file + "), or\n"
                    + "  - connect once with ssh and answer 'yes' (ssh " + sshTarget(h) + "), or\n"
                    + "  - add it with: ssh-keyscan " + keyscanArgs(h) + " >> " + file
                    + "  (and compare: ssh-keygen -lf " + file + ")");
        }
        return PvrunException.environment("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for " + h + "!\n"
                + "The host offered this key:\n"
                + "  " + offeredType + " " + offeredFingerprint + "\n"
                + "but " + file + " has:\n"
                + "  " + String.join("\n  ", knownFingerprints) + "\n"
                + "Someone could be intercepting the connection (a man-in-the-middle attack), or the host's key has\n"
                + "simply been replaced. pvrun refuses to connect, also with --accept-new-host-key.\n"
                + "If the administrators confirm the new key, remove the old one and connect again:\n"
                + "  ssh-keygen -R '" + h + "' -f " + file);
    }

    private void append(String host, String type, byte[] key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String line = host + " " + type + " " + Base64.getEncoder().encodeToString(key) + "\n";
        if (Files.exists(file) && Files.size(file) > 0) {
            byte[] all = Files.readAllBytes(file);
            if (all[all.length - 1] != '\n') {
                line = "\n" + line;
            }
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // never called with StrictHostKeyChecking=yes; additions go through append() only
    }

    @Override
    public void remove(String host, String type) {}

    @Override
    public void remove(String host, String type, byte[] key) {}

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }

    /** The SSH key type named at the start of a public key blob, e.g. {@code ssh-ed25519}. */
    static String keyType(byte[] blob) {
        try {
            ByteBuffer b = ByteBuffer.wrap(blob);
            int len = b.getInt();
            if (len <= 0 || len > 64 || len > b.remaining()) {
                return "unknown";
            }
            return new String(blob, 4, len, StandardCharsets.US_ASCII);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** OpenSSH's default fingerprint: {@code SHA256:} and the unpadded base64 of the key blob's SHA-256. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String sshTarget(String knownHostsName) {
        if (knownHostsName.startsWith("[")) {
            int close = knownHostsName.indexOf("]:");
            return "-p " + knownHostsName.substring(close + 2) + " " + knownHostsName.substring(1, close);
        }
        return knownHostsName;
    }

    private static String keyscanArgs(String knownHostsName) {
        return sshTarget(knownHostsName);
    }
}
