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
        int firstWild = 0;
        while (firstWild < parts.length && !hasWildcard(parts[firstWild])) {
            firstWild++;
        }
        List<PipelineSpec.InputFile> out = new ArrayList<>();
        if (firstWild == parts.length) {
            Path p = specDir.resolve(glob).normalize();
            if (Files.isRegularFile(p)) {
                out.add(new PipelineSpec.InputFile(p, p.getFileName().toString()));
            }
            return out;
        }
        Path base = specDir.resolve(String.join("/", java.util.Arrays.copyOfRange(parts, 0, firstWild)))
                .toAbsolutePath().normalize();
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

    static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }
}
