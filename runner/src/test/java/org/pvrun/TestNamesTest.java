package org.pvrun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.pvrun.testing.Repo;

/**
 * A test class's name says what it needs (docs/testing.md): {@code *Test} is a unit test, run by surefire in
 * {@code mvn test}; {@code *IT} needs pvbatch, Chromium or the test cluster, is tagged {@code integration} and
 * run by failsafe in {@code mvn -Pit verify}. A class with tests and neither name would never run; a tagged
 * method in a unit class would run in neither or in both.
 */
class TestNamesTest {
    private static final Pattern TESTS = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory|Property|Example)\\b");
    private static final String TAG = "@Tag(\"integration\")";
    /** The tag on the class itself: among the annotations just before {@code class}. */
    private static final Pattern CLASS_TAG = Pattern.compile(
            "(?m)^@Tag\\(\"integration\"\\)\\s*\\n(@.*\\n)*(public |abstract |final )*class ");

    @Test
    void unitClassesEndInTestAndIntegrationClassesInItTaggedAsSuch() throws IOException {
        List<String> wrong = new ArrayList<>();
        Path root = Repo.root().resolve("runner/src/test/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                String text = Files.readString(f);
                boolean hasTests = TESTS.matcher(text).find();
                boolean tagged = text.contains(TAG);
                if (name.endsWith("IT")) {
                    if (!CLASS_TAG.matcher(text).find()) {
                        wrong.add(root.relativize(f) + ": an integration class must be tagged " + TAG + " itself");
                    }
                } else if (name.endsWith("Test")) {
                    if (tagged) {
                        wrong.add(root.relativize(f) + ": a unit class has an integration test; move it to a class *IT");
                    }
                } else if (hasTests) {
                    wrong.add(root.relativize(f) + ": has tests but is named neither *Test nor *IT, so nothing runs them");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}
