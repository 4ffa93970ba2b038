package org.pvrun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.spec.Display;
import org.pvrun.spec.PipelineSpec;
import org.pvrun.spec.Target;
import org.pvrun.transport.LocalTransport;

/**
 * What this machine needs for a local run, checked before anything is written: pvbatch (with how to
 * install it when missing), mpiexec for ranks > 1, Xvfb where the display needs it. Gives the local
 * target with absolute paths, and the ParaView version (cached by pvbatch path, size and mtime).
 */
final class Preflight {
    private Preflight() {}

    /** The local target made concrete for this spec; in a dry run, missing tools are noted instead of fatal. */
    static Target local(Target t, PipelineSpec spec, Map<String, String> env, boolean dryRun, StringBuilder notes) {
        String pvbatch;
        try {
            pvbatch = Pvbatch.locate(env).toString();
        } catch (PvrunException e) {
            if (!dryRun) {
                throw e;
            }
            notes.append("note: ").append(e.getMessage()).append('\n');
            pvbatch = "pvbatch";
        }
        String launcher = "mpiexec";
        if (spec.ranks() > 1) {
            try {
                Path mpi = Pvbatch.locateMpiexec(env);
                boolean over = spec.ranks() > java.lang.Runtime.getRuntime().availableProcessors() && isOpenMpi(mpi);
                launcher = mpi + " -n {ranks}" + (over ? " --oversubscribe" : "");
            } catch (PvrunException e) {
                if (!dryRun) {
                    throw e;
                }
                notes.append("note: ").append(e.getMessage()).append('\n');
            }
        }
        Display d = spec.display() != Display.AUTO ? spec.display() : t.display();
        if (d == Display.XVFB && Pvbatch.onPath("Xvfb", env) == null) {
            PvrunException e = PvrunException.environment("display: xvfb needs Xvfb (Debian/Ubuntu: apt-get install xvfb)");
            if (!dryRun) {
                throw e;
            }
            notes.append("note: ").append(e.getMessage()).append('\n');
        }
        return new Target(t.name(), null, null, null, null, List.of(), null, t.scheduler(), t.workdir(), t.setup(),
                launcher, pvbatch, t.display(), t.poll(), t.resources(), t.env(), t.transport());
    }

    /** {@code pvbatch --version} of a local pvbatch, remembered in the state directory until the binary changes. */
    static String localVersion(String pvbatch, StateDir state) {
        Path bin = Path.of(pvbatch);
        String key = localKey(pvbatch);
        Map<String, String> known = state.readCache("versions.json");
        if (key != null && known.containsKey(key)) {
            return known.get(key);
        }
        String v = Pvbatch.version(bin);
        if (key != null) {
            known.put(key, v);
            state.writeCache("versions.json", known);
        }
        return v;
    }

    /** The remembered version of a local pvbatch, without asking it or writing anything; null when not known. */
    static String knownLocalVersion(String pvbatch, StateDir state) {
        String key = localKey(pvbatch);
        return key == null ? null : state.readCache("versions.json").get(key);
    }

    private static String localKey(String pvbatch) {
        try {
            return InputHashes.identity(Path.of(pvbatch).toRealPath());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isOpenMpi(Path mpiexec) {
        try (LocalTransport t = new LocalTransport()) {
            var r = t.exec(List.of(mpiexec.toString(), "--version"), Duration.ofSeconds(20));
            String s = r.stdout() + r.stderr();
            return s.contains("Open MPI") || s.contains("OpenRTE");
        } catch (Exception e) {
            return false;
        }
    }
}
