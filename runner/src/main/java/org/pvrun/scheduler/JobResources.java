package org.pvrun.scheduler;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource keys pvrun understands, validated once for every scheduler. Unknown keys are rejected
 * (not passed through as {@code --key=value}) so that a typo fails at submission time on every scheduler
 * alike instead of being silently ignored by one of them.
 *
 * <p>Every value ends up on a {@code #SBATCH}/{@code #PBS} directive line. Those lines are not evaluated
 * by a shell, but a newline would start a new directive, so each value must match a narrow pattern.
 *
 * @param partition Slurm partition / PBS queue, or null
 * @param account   Slurm account / PBS {@code -A}, or null
 * @param time      wall time as {@code H:MM:SS} (hours may exceed 24), or null
 * @param memory    memory per node, e.g. {@code 4G}, {@code 512M} (no unit = megabytes, as in Slurm), or null
 * @param nodes     number of nodes, or null for the scheduler's default (one)
 * @param qos       Slurm quality of service, or null (no PBS equivalent)
 */
public record JobResources(String partition, String account, String time, Memory memory, Integer nodes,
                           String qos) {

    public static final Set<String> KEYS = Set.of("partition", "account", "time", "memory", "nodes", "qos");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@+-]*");
    private static final Pattern TIME = Pattern.compile("\\d+:[0-5]\\d:[0-5]\\d");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)\\s*([KMGT]?)B?", Pattern.CASE_INSENSITIVE);
    private static final Pattern COUNT = Pattern.compile("[1-9]\\d{0,5}");

    /** An amount with a binary unit letter K, M, G or T. */
    public record Memory(long amount, char unit) {
        /** Slurm's form, e.g. {@code 4G}. */
        public String slurm() {
            return amount + String.valueOf(unit);
        }

        /** PBS's form, e.g. {@code 4gb}: a PBS size without a unit would mean bytes. */
        public String pbs() {
            return amount + String.valueOf(Character.toLowerCase(unit)) + "b";
        }
    }

    /** Validates a JobSpec's resource map; the message of the IllegalArgumentException names the key. */
    public static JobResources of(Map<String, String> resources) {
        for (String key : resources.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown resource '" + key + "': supported are "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        return new JobResources(
                match(resources, "partition", NAME, "a name of letters, digits and _.@+-"),
                match(resources, "account", NAME, "a name of letters, digits and _.@+-"),
                match(resources, "time", TIME, "H:MM:SS, e.g. 02:30:00"),
                memory(resources.get("memory")),
                count(resources.get("nodes")),
                match(resources, "qos", NAME, "a name of letters, digits and _.@+-"));
    }

    private static String match(Map<String, String> resources, String key, Pattern pattern, String expected) {
        String value = resources.get(key);
        if (value == null) {
            return null;
        }
        if (!pattern.matcher(value).matches()) {
            throw invalid(key, value, expected);
        }
        return value;
    }

    private static Memory memory(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = MEMORY.matcher(value.strip());
        if (!m.matches() || m.group(1).length() > 12) {
            throw invalid("memory", value, "an amount with an optional unit K, M, G or T, e.g. 4G");
        }
        String unit = m.group(2).isEmpty() ? "M" : m.group(2).toUpperCase(Locale.ROOT);
        return new Memory(Long.parseLong(m.group(1)), unit.charAt(0));
    }

    private static Integer count(String value) {
        if (value == null) {
            return null;
        }
        if (!COUNT.matcher(value).matches()) {
            throw invalid("nodes", value, "a positive whole number");
        }
        return Integer.valueOf(value);
    }

    private static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("resource '" + key + "' must be " + expected + ", got '"
                + value.replace("\n", "\\n") + "'");
    }
}
