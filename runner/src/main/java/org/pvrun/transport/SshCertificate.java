package org.pvrun.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An OpenSSH user or host certificate ({@code KEY-cert.pub}), read far enough to say whom it names and when it is
 * valid, so that a refused login can be explained ("the SSH certificate ... expired at ...") by both transports.
 * The format is OpenSSH's PROTOCOL.certkeys: a public key blob of type {@code *-cert-v01@openssh.com} holding a
 * nonce, the key's own fields, serial, type, key id, principals, valid after, valid before, .... The signature is
 * not checked here: that is the server's job (and, for host certificates, the SSH client's).
 *
 * @param file the certificate file
 * @param keyType e.g. {@code ssh-ed25519-cert-v01@openssh.com}
 * @param user true for a user certificate, false for a host certificate
 * @param keyId the key id the CA gave it ({@code ssh-keygen -I})
 * @param principals the user or host names it is valid for; empty means any
 * @param validAfter the start of its validity, {@link Instant#EPOCH} for "always"
 * @param validBefore the end of its validity, null for "forever"
 */
public record SshCertificate(Path file, String keyType, boolean user, String keyId, List<String> principals,
        Instant validAfter, Instant validBefore) {

    /** How many length-prefixed fields (strings, mpints) of the key itself follow the nonce, per certificate type. */
    private static final Map<String, Integer> KEY_FIELDS = Map.of(
            "ssh-ed25519-cert-v01@openssh.com", 1,
            "ssh-rsa-cert-v01@openssh.com", 2,
            "ssh-dss-cert-v01@openssh.com", 4,
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", 2,
            "ecdsa-sha2-nistp384-cert-v01@openssh.com", 2,
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", 2,
            "sk-ssh-ed25519-cert-v01@openssh.com", 2,
            "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", 3);

    /** The certificate OpenSSH would use with the private key {@code key}: {@code KEY-cert.pub} beside it. */
    public static Path besideKey(Path key) {
        return key.resolveSibling(key.getFileName() + "-cert.pub");
    }

    /** The certificate beside {@code key}, or null when there is none or it cannot be read as one. */
    public static SshCertificate ofKey(Path key) {
        Path file = besideKey(key);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return parse(file, Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Parses the one line of a {@code -cert.pub} file: {@code TYPE BASE64 [COMMENT]}.
     *
     * @throws IllegalArgumentException when it is not an OpenSSH certificate
     */
    public static SshCertificate parse(Path file, String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length < 2 || !KEY_FIELDS.containsKey(parts[0])) {
            throw new IllegalArgumentException(file + " is not an OpenSSH certificate");
        }
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Base64.getDecoder().decode(parts[1]));
            String type = string(b);
            if (!type.equals(parts[0])) {
                throw new IllegalArgumentException(file + ": the certificate says " + type + ", its line " + parts[0]);
            }
            skip(b); // nonce
            for (int i = 0; i < KEY_FIELDS.get(type); i++) {
                skip(b);
            }
            b.getLong(); // serial
            int certType = b.getInt();
            String keyId = string(b);
            List<String> principals = new ArrayList<>();
            ByteBuffer names = ByteBuffer.wrap(bytes(b));
            while (names.hasRemaining()) {
                principals.add(string(names));
            }
            long after = b.getLong();
            long before = b.getLong();
            return new SshCertificate(file, type, certType == 1, keyId, List.copyOf(principals), instant(after),
                    before == -1L ? null : instant(before));
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IllegalArgumentException(file + " is not a readable OpenSSH certificate: " + e, e);
        }
    }

    /** True when {@code now} is at or after the end of its validity. */
    public boolean expiredAt(Instant now) {
        return validBefore != null && !now.isBefore(validBefore);
    }

    /** True when {@code now} is before the start of its validity. */
    public boolean notYetValidAt(Instant now) {
        return now.isBefore(validAfter);
    }

    /**
     * Why this certificate cannot be used at {@code now} (it expired, or is not valid yet), as a sentence for a
     * refused login; null when it is valid then.
     */
    public String problemAt(Instant now) {
        if (expiredAt(now)) {
            return "the SSH certificate " + file + " expired at " + validBefore + " (valid from " + validAfter
                    + "; key id \"" + keyId + "\"). Get a new certificate from your certificate service and put it"
                    + " beside the key as " + file.getFileName() + ".";
        }
        if (notYetValidAt(now)) {
            return "the SSH certificate " + file + " is not valid before " + validAfter + " (key id \"" + keyId
                    + "\"); check this machine's clock.";
        }
        return null;
    }

    /**
     * Why the certificate beside one of these private keys cannot be used at {@code now}, or null when each has a
     * valid certificate or none: what a refused login adds, since sshd tells the client only "denied".
     */
    public static String problemOfKeys(List<Path> keys, Instant now) {
        for (Path key : keys) {
            SshCertificate c = ofKey(key);
            String problem = c == null ? null : c.problemAt(now);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** Unsigned seconds since the epoch; OpenSSH's "forever" (all ones) is handled by the caller. */
    private static Instant instant(long seconds) {
        // beyond Instant's range (year 1e9) only with a malformed certificate; clamp rather than fail
        return seconds < 0 || seconds > Instant.MAX.getEpochSecond() ? Instant.MAX : Instant.ofEpochSecond(seconds);
    }

    private static byte[] bytes(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("field length " + len + " beyond the certificate's end");
        }
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b), StandardCharsets.UTF_8);
    }

    private static void skip(ByteBuffer b) {
        bytes(b);
    }
}
