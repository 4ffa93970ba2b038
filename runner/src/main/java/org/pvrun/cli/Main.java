package org.pvrun.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point: builds the command line with {@link CommandLineFactory} and exits with its status. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-") && !Set.of("help", "completion", "init", "validate").contains(args[0])) {
            warmUp();
        }
        int code = CommandLineFactory.execute(System.out, System.err, System.getenv(), args);
        System.out.flush();
        System.err.flush();
        if (org.pvrun.run.Interruption.interrupted()) {
            // the shutdown hook is running; the JVM exits with 130 on its own
            return;
        }
        System.exit(code);
    }

    /**
     * Loads and initialises, on the second core while the main thread reads the spec, what every run needs
     * later and the JVM would otherwise load in line: JSON (run records, manifests), SHA-256 (keys, hashes),
     * the job-script templates and process start-up. It changes nothing; it saves about a tenth of a second of
     * a run's start-up, which matters against a two-second render (docs/performance.md).
     */
    static void warmUp() {
        Thread t = new Thread(() -> {
            try {
                org.pvrun.results.ManifestIO.JSON.readTree(org.pvrun.results.ManifestIO.JSON.writeValueAsString(Map.of("a", List.of(1))));
                java.security.MessageDigest.getInstance("SHA-256").digest(new byte[64]);
                org.pvrun.scheduler.Schedulers.compileTemplates();
                Class.forName("java.lang.ProcessImpl");
            } catch (Exception | LinkageError e) {
                // the run loads whatever this did not
            }
        }, "pvrun-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
