package org.pvrun.transport;

/** The outcome of one command: its argument list as run, exit status, and captured output. */
public record ExecResult(String command, int exitStatus, String stdout, String stderr) {
    public boolean ok() {
        return exitStatus == 0;
    }

    /** The evidence for an error message: the command, its status, and its output indented. */
    public String evidence() {
        StringBuilder sb = new StringBuilder();
        sb.append("  command: ").append(command).append('\n');
        sb.append("  exit status: ").append(exitStatus).append('\n');
        appendIndented(sb, "stdout", stdout);
        appendIndented(sb, "stderr", stderr);
        return sb.toString();
    }

    private static void appendIndented(StringBuilder sb, String label, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        sb.append("  ").append(label).append(":\n");
        for (String line : text.strip().split("\n")) {
            sb.append("    ").append(line).append('\n');
        }
    }
}
