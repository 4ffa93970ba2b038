package org.pvrun.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ParaView version constraint: a prefix ("5.11" matches 5.11.0 and 5.11.2, not 5.1 or 5.110) or a
 * comma-separated list of comparisons (">=5.10,<5.12"); all must hold.
 */
public final class VersionConstraint {
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,3}");
    private static final Pattern CLAUSE = Pattern.compile("\\s*(>=|<=|==|!=|>|<|=)?\\s*(\\S+?)\\s*");

    private record Clause(String op, int[] version) {}

    private final String text;
    private final List<Clause> clauses;

    private VersionConstraint(String text, List<Clause> clauses) {
        this.text = text;
        this.clauses = clauses;
    }

    /** Parses a constraint; throws IllegalArgumentException with what was expected. */
    public static VersionConstraint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty version constraint");
        }
        List<Clause> clauses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Matcher m = CLAUSE.matcher(part);
            if (!m.matches() || !VERSION.matcher(m.group(2)).matches()) {
                throw new IllegalArgumentException("bad version constraint '" + text
                        + "'; expected a version prefix such as \"5.11\" or comparisons such as \">=5.10,<5.12\"");
            }
            String op = m.group(1) == null ? "prefix" : m.group(1);
            if (op.equals("=")) {
                op = "==";
            }
            clauses.add(new Clause(op, numbers(m.group(2))));
        }
        if (clauses.size() > 1 && clauses.stream().anyMatch(c -> c.op().equals("prefix"))) {
            throw new IllegalArgumentException("bad version constraint '" + text
                    + "'; a plain version prefix cannot be combined with comparisons");
        }
        return new VersionConstraint(text.strip(), List.copyOf(clauses));
    }

    /** True when a version such as "5.11.0" (extra text like "-RC1" is ignored) satisfies the constraint. */
    public boolean isSatisfiedBy(String version) {
        Matcher m = Pattern.compile("\\d+(\\.\\d+)*").matcher(version);
        if (!m.find()) {
            return false;
        }
        int[] v = numbers(m.group());
        for (Clause c : clauses) {
            int cmp = compare(v, c.version());
            boolean ok = switch (c.op()) {
                case "prefix" -> isPrefix(c.version(), v);
                case ">=" -> cmp >= 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case "<" -> cmp < 0;
                case "==" -> cmp == 0;
                case "!=" -> cmp != 0;
                default -> throw new IllegalStateException(c.op());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    private static boolean isPrefix(int[] prefix, int[] v) {
        if (prefix.length > v.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (prefix[i] != v[i]) {
                return false;
            }
        }
        return true;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int[] numbers(String v) {
        String[] parts = v.split("\\.");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }
}
