package org.pvrun.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Resolves an input glob against the spec's folder. The part before the first wildcard is the base folder;
 * each match keeps its path relative to that base as its name in the task directory
 * ("../data/*.vti" gives "wave.vti", "data/**&#47;*.vti" gives "run1/wave.vti").
 */
public final class InputGlobs {
    private InputGlobs() {}

    public static List<PipelineSpec.InputFile> resolve(Path specDir, String glob) {
        String[] parts = glob.split("/", -1);
        int firstWild = firstWildcard(parts);
        List<PipelineSpec.InputFile> out = new ArrayList<>();
        if (firstWild == parts.length) {
            Path p = base(specDir, glob);
            if (Files.isRegularFile(p)) {
                out.add(new PipelineSpec.InputFile(p, p.getFileName().toString()));
            }
            return out;
        }
        Path base = base(specDir, glob);
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, firstWild, parts.length));
        if (!Files.isDirectory(base)) {
            return out;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : parts.length - firstWild;
        try (Stream<Path> s = Files.walk(base, depth)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> m.matches(base.relativize(p)))
                    .sorted()
                    .forEach(p -> out.add(new PipelineSpec.InputFile(p, base.relativize(p).toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The folder a glob searches (its part before the first wildcard), or the file it names when it has none,
     * absolute and without {@code ..}: matches can only lie under it, as the part after a wildcard is matched
     * against paths found by walking down from it.
     */
    public static Path base(Path specDir, String glob) {
        String[] parts = glob.split("/", -1);
        String fixed = String.join("/", java.util.Arrays.copyOfRange(parts, 0, firstWildcard(parts)));
        return specDir.resolve(fixed).toAbsolutePath().normalize();
    }

    private static int firstWildcard(String[] parts) {
        int i = 0;
        while (i < parts.length && !hasWildcard(parts[i])) {
            i++;
        }
        return i;
    }

    static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }
}
