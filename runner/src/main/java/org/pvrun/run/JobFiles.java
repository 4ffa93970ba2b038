package org.pvrun.run;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.pvrun.transport.ExecResult;

/**
 * What one poll read of a round: the jobs' exit files (job index → content), which job processes are alive
 * (without a scheduler), the task verdicts so far (task index → exit status), and which tasks have started
 * (the driver's {@code status/NNNN.started}, written as a task begins).
 */
final class JobFiles {
    final Map<Integer, String> exits = new HashMap<>();
    final Set<Integer> alive = new LinkedHashSet<>();
    final Map<Integer, Integer> taskCodes = new HashMap<>();
    final Set<Integer> started = new LinkedHashSet<>();
    /** Split animation tasks' frames: task index → {done, total} (the driver's {@code status/NNNN.fprog}). */
    final Map<Integer, int[]> frames = new HashMap<>();

    /**
     * One command per poll reads every exit file of the round and every task verdict. It forks nothing but
     * the shell itself (read, printf, kill and [ are built in): a poll runs several times a second beside
     * the renders on a local target, and a command substitution per file made each poll cost tens of
     * milliseconds of the renders' CPU by the end of a large sweep.
     */
    static JobFiles read(Session s, RunRecord.Round round) throws IOException, InterruptedException {
        // The jobs' files first, then the verdicts: a job writes its exit file after every verdict of its
        // tasks, so a job seen ended here is seen with all of them (read the other way round, a poll woken
        // by a verdict could see a job's exit without the verdicts written just before it).
        String sh = "[ -d \"$1\" ] || exit 1; if cd \"$2\" 2>/dev/null; then "
                + "for f in job-*.exit; do c=; " + READ + "printf 'J %s %s\\n' \"$f\" \"$c\"; done; "
                + s.tracker.pollLines()
                + "fi; cd \"$1\" || exit 1; "
                + "for f in status/*.exit; do c=; " + READ + "printf 'T %s %s\\n' \"$f\" \"$c\"; done; "
                + "for f in status/*.started; do [ -f \"$f\" ] && printf 'S %s\\n' \"$f\"; done; "
                + "for f in status/*.fprog; do c=; " + READ + "printf 'P %s %s\\n' \"$f\" \"$c\"; done; "
                + "exit 0";
        ExecResult r = s.check(s.t.exec(List.of("sh", "-c", sh, "sh", s.rec.remoteDir(), round.jobDir()),
                Engine.COMMAND_TIMEOUT), "read the exit files");
        return parse(r.stdout());
    }

    /** The shell that reads the first line of file {@code $f} into {@code $c}, or fails. */
    static final String READ = "[ -f \"$f\" ] && { read -r c || [ -n \"$c\" ]; } <\"$f\" && ";

    static JobFiles parse(String stdout) {
        JobFiles f = new JobFiles();
        for (String line : stdout.lines().toList()) {
            String[] p = line.strip().split(" ", 3);
            try {
                switch (p[0]) {
                    case "T" -> f.taskCodes.put(Integer.parseInt(p[1].substring(7, p[1].length() - 5)), Integer.parseInt(p[2].strip()));
                    case "J" -> f.exits.put(Integer.parseInt(p[1].substring(4, p[1].length() - 5)), p.length > 2 ? p[2].strip() : "");
                    case "S" -> f.started.add(Integer.parseInt(p[1].substring(7, p[1].length() - 8)));
                    case "A" -> f.alive.add(Integer.parseInt(p[1].substring(4, p[1].length() - 4)));
                    case "P" -> {
                        String[] dt = p[2].strip().split(" ");
                        f.frames.put(Integer.parseInt(p[1].substring(7, p[1].length() - 6)),
                                new int[] {Integer.parseInt(dt[0]), Integer.parseInt(dt[1])});
                    }
                    default -> { }
                }
            } catch (RuntimeException malformed) {
                // a file being written right now: read it next poll
            }
        }
        return f;
    }
}
