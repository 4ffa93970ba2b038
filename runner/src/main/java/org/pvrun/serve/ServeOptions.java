package org.pvrun.serve;

import java.io.PrintStream;
import java.util.Map;

/**
 * What {@code pvrun serve} was asked for (docs/serve.md).
 *
 * @param ranks            MPI ranks of pvserver
 * @param time             wall time HH:MM:SS over the target's, or null
 * @param port             local port: forwarded to pvserver, or (reverse) the one the client listens on; null = default
 * @param reverse          pvserver connects back to the client through an SSH remote forward
 * @param clientHost       reverse: the address compute nodes dial to reach the remote forward on the SSH host
 * @param detach           on Ctrl-C leave the job running (and say how to reach and end it)
 * @param dryRun           print the job script and the forwarding plan; run nothing
 * @param ignoreVersion    skip the client/server version check
 * @param acceptNewHostKey trust and remember an unknown SSH host key
 * @param pvsc             where to write the server configuration file, or null for the default place
 */
public record ServeOptions(int ranks, String time, Integer port, boolean reverse, String clientHost, boolean detach,
        boolean dryRun, boolean ignoreVersion, boolean acceptNewHostKey, java.nio.file.Path pvsc, boolean verbose,
        boolean quiet, PrintStream out, PrintStream err, Map<String, String> env) {

    /** ParaView's own default port, for both directions. */
    public static final int DEFAULT_PORT = 11111;
    /** The default client host: right where the job runs on the SSH host itself (scheduler none, the test cluster). */
    public static final String DEFAULT_CLIENT_HOST = "127.0.0.1";

    /** A line of the session's progress: not with --quiet. */
    void info(String line) {
        if (!quiet) {
            out.println(line);
        }
    }

    /** A line of detail on stderr: only with --verbose. */
    void detail(String line) {
        if (verbose) {
            err.println(line);
        }
    }
}
