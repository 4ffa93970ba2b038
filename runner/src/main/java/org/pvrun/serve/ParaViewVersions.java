package org.pvrun.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pvrun.run.Pvbatch;
import org.pvrun.spec.Target;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.LocalTransport;

/**
 * The client/server version check. A ParaView client connects only to a server of its own major.minor
 * version (the connection handshake carries it), so a mismatch is refused before any job is submitted.
 */
public final class ParaViewVersions {
    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)(?:[.-].*)?");
    /** Client programs asked, in order: pvpython starts without a display, paraview is the GUI. */
    static final List<String> CLIENTS = List.of("pvpython", "paraview");

    private ParaViewVersions() {}

    /** The local client that was asked, and its version. */
    public record LocalClient(Path program, String version) {}

    /** The first client on PATH and its version; null when none is installed or none tells its version. */
    public static LocalClient localClient(Map<String, String> env) throws InterruptedException {
        for (String name : CLIENTS) {
            Path p = Pvbatch.onPath(name, env);
            if (p == null) {
                continue;
            }
            try (LocalTransport local = new LocalTransport()) {
                ExecResult r = local.exec(List.of(p.toString(), "--version"), Duration.ofSeconds(60));
                String v = Pvbatch.parseVersion(r.stdout() + "\n" + r.stderr());
                if (v != null) {
                    return new LocalClient(p, v);
                }
            } catch (IOException e) {
                // cannot start it: try the next one
            }
        }
        return null;
    }

    /** The pvserver beside the target's pvbatch ({@code /opt/pv/bin/pvbatch} gives {@code /opt/pv/bin/pvserver}). */
    public static String pvserver(Target t) {
        String pvbatch = t.pvbatch();
        if (pvbatch.endsWith("pvbatch")) {
            return pvbatch.substring(0, pvbatch.length() - "pvbatch".length()) + "pvserver";
        }
        return "pvserver";
    }

    /** True when both versions have the same major.minor; unparsable versions are never compatible. */
    public static boolean compatible(String client, String server) {
        String a = majorMinor(client);
        return a != null && a.equals(majorMinor(server));
    }

    /** "5.11" from "5.11.0", "5.11.2-RC1" or "5.11"; null for anything else. */
    public static String majorMinor(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = MAJOR_MINOR.matcher(version.strip());
        return m.matches() ? Integer.parseInt(m.group(1)) + "." + Integer.parseInt(m.group(2)) : null;
    }
}
