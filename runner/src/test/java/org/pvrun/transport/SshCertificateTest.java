package org.pvrun.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden certificates made once with ssh-keygen 9.2 (a throw-away CA, src/test/resources/certs); what
 * {@code ssh-keygen -L -f} says about each is in the assertions.
 */
class SshCertificateTest {
    private static final Path DIR = Path.of("src/test/resources/certs");

    private static SshCertificate golden(String name) throws IOException {
        Path f = DIR.resolve(name);
        return SshCertificate.parse(f, Files.readString(f));
    }

    @Test
    void anExpiredEd25519UserCertificate() throws IOException {
        // Type: ssh-ed25519-cert-v01@openssh.com user certificate; Key ID: "golden-expired"
        // Valid: from 2020-01-01T00:00:00 to 2020-01-02T00:00:00; Principals: pvci, alice
        SshCertificate c = golden("user_ed25519_expired-cert.pub");
        assertEquals("ssh-ed25519-cert-v01@openssh.com", c.keyType());
        assertTrue(c.user());
        assertEquals("golden-expired", c.keyId());
        assertEquals(List.of("pvci", "alice"), c.principals());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), c.validAfter());
        assertEquals(Instant.parse("2020-01-02T00:00:00Z"), c.validBefore());
        assertTrue(c.expiredAt(Instant.parse("2020-01-02T00:00:00Z")));
        assertFalse(c.expiredAt(Instant.parse("2020-01-01T23:59:59Z")));
        String problem = c.problemAt(Instant.parse("2026-01-01T00:00:00Z"));
        assertTrue(problem.startsWith("the SSH certificate " + DIR.resolve("user_ed25519_expired-cert.pub")
                + " expired at 2020-01-02T00:00:00Z"), problem);
        assertNull(c.problemAt(Instant.parse("2020-01-01T12:00:00Z")));
        assertTrue(c.problemAt(Instant.parse("2019-12-31T00:00:00Z")).contains("is not valid before 2020-01-01T00:00:00Z"));
    }

    @Test
    void anRsaUserCertificateWithTwoKeyFields() throws IOException {
        // Valid: from 2025-01-01T00:00:00 to 2099-12-31T23:59:59
        SshCertificate c = golden("user_rsa-cert.pub");
        assertEquals("ssh-rsa-cert-v01@openssh.com", c.keyType());
        assertEquals("golden-rsa", c.keyId());
        assertEquals(List.of("pvci"), c.principals());
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), c.validAfter());
        assertEquals(Instant.parse("2099-12-31T23:59:59Z"), c.validBefore());
    }

    @Test
    void anEcdsaHostCertificateValidForever() throws IOException {
        SshCertificate c = golden("host_ecdsa_forever-cert.pub");
        assertFalse(c.user());
        assertEquals(List.of("login.example.org"), c.principals());
        assertEquals(Instant.EPOCH, c.validAfter());
        assertNull(c.validBefore());
        assertFalse(c.expiredAt(Instant.parse("9999-01-01T00:00:00Z")));
    }

    @Test
    void foundBesideItsKeyAsOpenSshLooksForIt(@TempDir Path dir) throws IOException {
        Path key = dir.resolve("id_ed25519");
        Files.writeString(key, "not read");
        assertNull(SshCertificate.ofKey(key));
        Files.copy(DIR.resolve("user_ed25519_expired-cert.pub"), dir.resolve("id_ed25519-cert.pub"));
        assertEquals(dir.resolve("id_ed25519-cert.pub"), SshCertificate.besideKey(key));
        assertEquals("golden-expired", SshCertificate.ofKey(key).keyId());
    }

    @Test
    void aPlainKeyOrBrokenDataIsNoCertificate(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x-cert.pub");
        assertThrows(IllegalArgumentException.class, () -> SshCertificate.parse(f,
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5t9722KhC2dj38jagf0uxV2sxW9Do1xkw8vdPovvrM x"));
        String line = Files.readString(DIR.resolve("user_ed25519_expired-cert.pub"));
        String[] parts = line.split(" ");
        String cut = parts[0] + " " + parts[1].substring(0, 80) + " x";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SshCertificate.parse(f, cut));
        assertTrue(e.getMessage().startsWith(f + " is not"), e.getMessage());
        Files.writeString(f, cut);
        assertNull(SshCertificate.ofKey(dir.resolve("x")));
    }
}
