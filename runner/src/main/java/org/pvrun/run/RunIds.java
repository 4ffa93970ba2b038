package org.pvrun.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Run ids: UTC time plus random bits, e.g. 20261126-051500-3fa2c1. The run directory is created
 * exclusively, so two processes can never share one.
 */
public final class RunIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String newId() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return ZonedDateTime.now(ZoneOffset.UTC).format(FORMAT) + "-" + HexFormat.of().formatHex(b);
    }

    /** Creates {@code parent/<new id>} exclusively and returns it. */
    public static Path createRunDir(Path parent) throws IOException {
        Files.createDirectories(parent);
        for (int attempt = 0; ; attempt++) {
            Path dir = parent.resolve(newId());
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }
}
