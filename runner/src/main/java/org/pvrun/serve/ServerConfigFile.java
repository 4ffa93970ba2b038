package org.pvrun.serve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.pvrun.transport.LocalFiles;
import org.pvrun.util.XdgDirs;

/**
 * A ParaView server configuration file ({@code .pvsc}) with one server, for the client's
 * File &gt; Connect dialog (Load Servers) or {@code paraview --servers-file=FILE --server=NAME}.
 * The format is the one ParaView writes to its own {@code servers.pvsc} (pqServerConfiguration):
 * a {@code Server} element with a {@code resource} URL and {@code ManualStartup}, because pvrun, not
 * the client, starts the server. {@code cs://localhost:PORT} makes the client connect to the forwarded
 * port; {@code csrc://localhost:PORT} makes it listen there for pvserver's reverse connection.
 * Reader: https://www.paraview.org/paraview-docs/v5.9.1/cxx/pqServerConfiguration_8h_source.html
 * (checked with ParaView 5.11: {@code paraview --servers-file=F --server=NAME} connects through it).
 */
public final class ServerConfigFile {
    /** Seconds the client keeps trying to connect; the server is already listening when the file is written. */
    static final int CONNECT_TIMEOUT = 60;

    private ServerConfigFile() {}

    /** The server's name in the Connect dialog. */
    public static String serverName(String target, boolean reverse) {
        return "pvrun " + target + (reverse ? " (reverse)" : "");
    }

    /**
     * The file's text.
     *
     * @param reverse true: the client listens on {@code port} ({@code csrc}) and waits without a time limit,
     *                since the job may still be queued; false: the client connects to {@code host:port} ({@code cs})
     * @param host    where the client connects: {@code localhost} (the forward) or the server node itself
     */
    public static String render(String name, boolean reverse, String host, int port) {
        String resource = (reverse ? "csrc" : "cs") + "://" + host + ":" + port;
        return "<Servers>\n"
                + "  <Server name=\"" + xml(name) + "\" configuration=\"\" resource=\"" + resource + "\" timeout=\""
                + (reverse ? -1 : CONNECT_TIMEOUT) + "\">\n"
                + "    <ManualStartup/>\n"
                + "  </Server>\n"
                + "</Servers>\n";
    }

    /** {@code $XDG_CONFIG_HOME/pvrun/serve/TARGET.pvsc}, XDG_CONFIG_HOME defaulting to {@code ~/.config}. */
    public static Path defaultPath(String target, Map<String, String> env) {
        return XdgDirs.configHome(env).resolve("pvrun").resolve("serve").resolve(target + ".pvsc");
    }

    /** Writes the file through a temporary name, so a client never reads half of it. */
    public static void write(Path file, String text) throws IOException {
        LocalFiles.writeAtomically(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), file);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
