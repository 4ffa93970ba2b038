package org.pvrun.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pvrun.spec.Target;
import org.pvrun.spec.TargetsLoader;
import org.pvrun.transport.Transport;
import org.pvrun.connect.Transports;

/**
 * A JVM of its own for the memory case: opens a target's transport, fetches one file by {@code download} ("file")
 * or {@code downloadTree} ("tree"), and prints {@code VmHWM <kB> seconds <s>}: the peak resident set size of this
 * whole process, read from /proc/self/status after the fetch.
 *
 * <pre>FetchProbe TARGETS_FILE TARGET file|tree REMOTE_DIR NAME LOCAL_DIR</pre>
 */
public final class FetchProbe {
    /** The JVM options of the ./pvrun launcher, which bench/run reads from it and passes on. */
    static List<String> launcherOptions() {
        String opts = System.getProperty("pvrun.bench.jvmOptions", "").strip();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    private FetchProbe() {}

    static List<String> command(Bench.Context ctx, String target, String mode, String remoteDir, String name, Path local) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(launcherOptions());
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), FetchProbe.class.getName(),
                ctx.targetsFile().toString(), target, mode, remoteDir, name, local.toString()));
        return argv;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Target> targets = new TargetsLoader().load(Path.of(args[0]), System.getenv());
        Path local = Path.of(args[5]);
        long t0;
        try (Transport t = Transports.open(targets.get(args[1]), false, System.getenv())) {
            t.exec(List.of("true"), java.time.Duration.ofMinutes(1));
            t0 = System.nanoTime();
            if (args[2].equals("file")) {
                t.download(args[3] + "/" + args[4], local.resolve(args[4]));
            } else {
                t.downloadTree(args[3], List.of(args[4]), local);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .findFirst().orElseThrow().replaceAll("\\D+", "");
        System.out.println("VmHWM " + hwm + " seconds " + seconds);
        System.exit(0);
    }
}
