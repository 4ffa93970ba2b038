package org.pvrun.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the batch schedulers (Slurm, PBS, Grid Engine) build and read the same way: a command followed by job
 * ids, the job id in a submit command's output, the array range with its throttle, directive lines.
 */
final class BatchCommands {

    private BatchCommands() {}

    /** {@code command} followed by the job ids, e.g. {@code scancel 5 7}. */
    static List<String> withIds(List<String> command, Collection<String> jobIds) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(jobIds);
        return argv;
    }

    /**
     * Group 1 of the first line (stripped) that {@code line} matches whole; {@code command} names what printed
     * the output in the error when no line does.
     */
    static String submittedId(String submitStdout, Pattern line, String command) {
        for (String l : submitStdout.strip().split("\n")) {
            Matcher m = line.matcher(l.strip());
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw new IllegalArgumentException("no job id in the output of " + command + ":\n" + indent(submitStdout));
    }

    /** True when the array runs fewer elements at once than it has. */
    static boolean throttled(JobSpec job) {
        return job.maxParallel() > 0 && job.maxParallel() < job.arraySize();
    }

    /** {@code 0-(N-1)}, with {@code %M} when throttled: the array form of Slurm's --array and PBS's -J. */
    static String zeroBasedRange(JobSpec job) {
        return "0-" + (job.arraySize() - 1) + (throttled(job) ? "%" + job.maxParallel() : "");
    }

    /** Output quoted in an error message, indented; "(no output)" for none. */
    static String indent(String text) {
        return text.isBlank() ? "    (no output)" : text.strip().replaceAll("(?m)^", "    ");
    }

    /** A job script's directive lines in order; a resource left unset (null) adds none. */
    static final class Directives {

        private final List<String> lines = new ArrayList<>();

        Directives add(String line) {
            lines.add(line);
            return this;
        }

        /** {@code prefix + value}, when there is a value. */
        Directives optional(String prefix, Object value) {
            if (value != null) {
                lines.add(prefix + value);
            }
            return this;
        }

        List<String> lines() {
            return lines;
        }
    }
}
