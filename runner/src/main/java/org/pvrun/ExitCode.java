package org.pvrun;

/** The documented exit statuses of pvrun (docs/cli.md). */
public final class ExitCode {
    /** Every task succeeded. */
    public static final int OK = 0;
    /** At least one task failed (or an image regressed). */
    public static final int TASK_FAILED = 1;
    /** Invalid input: spec, targets file, options. Nothing was run or written. */
    public static final int INVALID_INPUT = 2;
    /** Environment: pvbatch missing, cannot connect, host key refused, scheduler unavailable. */
    public static final int ENVIRONMENT = 3;
    /** Interrupted (Ctrl-C / SIGINT / SIGTERM). */
    public static final int INTERRUPTED = 130;

    private ExitCode() {}
}
