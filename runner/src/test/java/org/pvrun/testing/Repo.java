package org.pvrun.testing;

import java.nio.file.Path;

/** Paths in the repository, for tests that run the shipped pipelines. */
public final class Repo {
    private Repo() {}

    public static Path root() {
        String p = System.getProperty("pvrun.repo");
        return (p != null ? Path.of(p) : Path.of("..")).toAbsolutePath().normalize();
    }

    public static Path pipeline(String file) {
        return root().resolve("pipelines").resolve(file);
    }
}
