package org.pvrun.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pvrun.run.Pvbatch;
import org.pvrun.scheduler.JobSpec;
import org.pvrun.spec.Target;

/**
 * The batch job of a serve session: the target's own job script (scheduler directives, setup lines,
 * exported env, Xvfb for display xvfb/auto, exit file) with pvserver as the launched program, under the
 * target's launcher exactly as batch runs get it.
 *
 * <p>pvserver never gets {@code --force-offscreen-rendering}: with Debian's GLX build it aborts as soon as
 * a client connects (measured with 5.11), and EGL/OSMesa builds render offscreen anyway.
 */
final class PvserverJob {
    /** The session's job name in the queue. */
    static final String JOB_NAME = "pvrun-serve";

    private PvserverJob() {}

    /**
     * pvserver's arguments. Listening: {@code --server-port=0}, so pvserver binds a free port itself (it
     * prints it on the {@code Accepting connection(s)} line) and never collides with another user's server on
     * the node. Reverse: {@code --rc --client-host=H --server-port=R} dials H:R, the remote end of the
     * session's SSH remote forward.
     */
    static List<String> serverArgs(String pvserver, boolean reverse, String clientHost, String reversePort) {
        List<String> args = new ArrayList<>();
        args.add(pvserver);
        if (reverse) {
            args.add("--rc");
            args.add("--client-host=" + clientHost);
            args.add("--server-port=" + reversePort);
        } else {
            args.add("--server-port=0");
        }
        return args;
    }

    /** The launcher's words for N ranks ({@code srun -n N}, {@code mpiexec -n N}, a template...), then pvserver's. */
    static List<String> launch(Target t, int ranks, List<String> serverArgs) {
        List<String> argv = Pvbatch.launcher(t.launcher(), ranks);
        argv.addAll(serverArgs);
        return argv;
    }

    /** The target's resources, with {@code --time} over its wall time. */
    static Map<String, String> resources(Target t, String time) {
        Map<String, String> r = new LinkedHashMap<>(t.resources());
        if (time != null) {
            r.put("time", time);
        }
        return r;
    }

    static JobSpec jobSpec(Target t, int ranks, String time, String sessionDir, List<String> launch) {
        Map<String, String> env = new LinkedHashMap<>(t.env());
        env.put("PVRUN_RUN_DIR", sessionDir);
        return new JobSpec(JOB_NAME, sessionDir, ranks, resources(t, time), t.setup(), env, t.display().id(), launch,
                1, 0, sessionDir + "/jobs");
    }
}
