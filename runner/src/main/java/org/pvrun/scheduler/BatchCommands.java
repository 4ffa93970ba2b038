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

    /** {@code expr} with the array's offset in the round added, when it has one (see JobSpec.arrayOffset). */
    static String plusOffset(String expr, JobSpec job) {
        return job.arrayOffset() == 0 ? expr : "$((" + job.arrayOffset() + " + " + expr + "))";
    }

    /**
     * The file a scheduler writes a job's output to, named by the index it substitutes ({@code %a}, {@code
     * ^array_index^}): {@code job-I.out}, where I is also the job's index in the round, except in an array
     * after the first of a split round, whose elements count from 0 again: {@code array-OFFSET-I.out}. A plain
     * job (an array of one) has its index in the name, since the pattern would not be replaced by it.
     */
    static String outputFile(String jobDir, JobSpec job, String indexPattern) {
        if (job.arraySize() <= 1) {
            return jobDir + "/job-" + job.arrayOffset() + ".out";
        }
        return jobDir + (job.arrayOffset() == 0 ? "/job-" : "/array-" + job.arrayOffset() + "-") + indexPattern + ".out";
    }

    /**
     * The number after {@code name} on a line of a configuration listing ({@code MaxArraySize = 1001},
     * {@code max_aj_tasks 75000}, {@code max_array_size = 10000}).
     */
    static int configNumber(String stdout, String name, String command) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "\\s*=?\\s*(\\d{1,18})\\s*$").matcher(stdout);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name + " in the output of " + command + ":\n" + indent(stdout));
        }
        return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(m.group(1)));
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
