package org.pvrun.results;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalTransport;

/** Where a spec came from: the git repository that holds it, its commit, and whether it had local changes. */
public final class Provenance {
    /** The repository's top folder, HEAD's commit, and whether tracked files differ from it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Git(String repository, String commit, boolean dirty) {}

    private Provenance() {}

    /** The git facts of the folder holding {@code specFile}, or null when it is not in a repository (or git is missing). */
    public static Git git(Path specFile) {
        String dir = specFile.toAbsolutePath().getParent().toString();
        try (LocalTransport t = new LocalTransport()) {
            ExecResult top = t.exec(List.of("git", "-C", dir, "rev-parse", "--show-toplevel", "HEAD"), Duration.ofSeconds(10));
            if (!top.ok()) {
                return null;
            }
            List<String> lines = top.stdout().lines().toList();
            if (lines.size() < 2) {
                return null;
            }
            ExecResult status = t.exec(List.of("git", "-C", dir, "status", "--porcelain", "--untracked-files=no"),
                    Duration.ofSeconds(20));
            return new Git(lines.get(0).strip(), lines.get(1).strip(), !status.ok() || !status.stdout().isBlank());
        } catch (Exception e) {
            return null;
        }
    }
}
