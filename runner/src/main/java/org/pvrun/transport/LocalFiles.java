package org.pvrun.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import org.apache.commons.io.FileUtils;

/** Local file helpers shared by the transports: temporary names, atomic replacement, POSIX modes, removal. */
public final class LocalFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalFiles() {}

    /** {@code .NAME.part-RANDOM}: hidden, recognisably incomplete, unique among concurrent writers. */
    public static String partName(String name) {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "." + name + ".part-" + HexFormat.of().formatHex(b);
    }

    /** Writes {@code in} to {@code target} through a temporary file in the same directory, then renames it. */
    public static void writeAtomically(InputStream in, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(partName(target.getFileName().toString()));
        try {
            Files.copy(in, tmp);
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies a file through a temporary name in the target's directory. */
    public static void copyAtomically(Path source, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(partName(target.getFileName().toString()));
        try {
            Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES);
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Removes a folder tree that something may still be writing in (a job ending after its last verdict writes
     * its exit file there): a file added while the tree goes fails the removal, which is then tried again until
     * {@code patience} is spent. Returns whether the folder is gone.
     */
    public static boolean deleteTree(Path dir, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                FileUtils.deleteDirectory(dir.toFile());
                return true;
            } catch (IOException e) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                Thread.sleep(50);
            }
        }
    }

    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // same directory, so this only happens on odd file systems; still never leaves a half file
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }

    public static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
