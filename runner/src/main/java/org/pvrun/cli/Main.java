package org.pvrun.cli;

/** Entry point: builds the command line with {@link CommandLineFactory} and exits with its status. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = CommandLineFactory.execute(System.out, System.err, System.getenv(), args);
        System.out.flush();
        System.err.flush();
        if (org.pvrun.run.Interruption.interrupted()) {
            // the shutdown hook is running; the JVM exits with 130 on its own
            return;
        }
        System.exit(code);
    }
}
