package org.pvrun;

/** An error meant for the user: a complete message and the exit status pvrun ends with. */
public class PvrunException extends RuntimeException {
    private final int exitCode;

    public PvrunException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public PvrunException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static PvrunException invalid(String message) {
        return new PvrunException(ExitCode.INVALID_INPUT, message);
    }

    public static PvrunException environment(String message) {
        return new PvrunException(ExitCode.ENVIRONMENT, message);
    }

    public static PvrunException environment(String message, Throwable cause) {
        return new PvrunException(ExitCode.ENVIRONMENT, message, cause);
    }
}
