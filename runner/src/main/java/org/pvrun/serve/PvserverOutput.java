package org.pvrun.serve;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What pvserver prints that pvrun acts on (ParaView 5.11, {@code vtkPVSessionServer::Connect}):
 * <pre>
 * Waiting for client...
 * Connection URL: cs://vm:0
 * Accepting connection(s): vm:41181      listening: the compute node's name and the port it bound
 * Client connected.                      a client (or, with --rc, the client pvserver dialled) is connected
 * </pre>
 * The {@code Connection URL} line repeats the requested port ({@code 0} = any free one), so only the
 * {@code Accepting connection(s)} line tells the port really bound. Lines may carry a launcher's label
 * ({@code 0: } from {@code srun --label}), colour escapes or a carriage return; all are tolerated.
 */
public final class PvserverOutput {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final Pattern ACCEPTING = Pattern.compile(
            "Accepting connection\\(s\\): (\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})\\s*$");
    private static final Pattern CONNECTED = Pattern.compile("(?:^|\\s|:)Client connected\\.\\s*$");

    private PvserverOutput() {}

    /** Where pvserver accepts connections. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** The first {@code Accepting connection(s): HOST:PORT} in the output, or null while there is none. */
    public static Address accepting(String output) {
        for (String raw : output.split("\n")) {
            Matcher m = ACCEPTING.matcher(clean(raw));
            if (m.find()) {
                int port = Integer.parseInt(m.group(2));
                if (port < 1 || port > 65535) {
                    continue;
                }
                String host = m.group(1);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                return new Address(host, port);
            }
        }
        return null;
    }

    /** True once pvserver has reported a connected client. */
    public static boolean clientConnected(String output) {
        for (String raw : output.split("\n")) {
            if (CONNECTED.matcher(clean(raw)).find()) {
                return true;
            }
        }
        return false;
    }

    private static String clean(String line) {
        return ANSI.matcher(line).replaceAll("").replace("\r", "");
    }
}
