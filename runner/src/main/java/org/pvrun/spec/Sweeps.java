package org.pvrun.spec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code sweep:} of a spec (docs/spec.md#sweep): each key is a dimension, a list or a range
 * {@code {from, to, step}}; a {@code zip:} map is one dimension whose lists are paired element by element.
 * The points are the cartesian product of the dimensions, the first written varying slowest.
 */
public final class Sweeps {
    public static final int MAX_POINTS = 100_000;
    private static final Set<String> RANGE_KEYS = Set.of("from", "to", "step");

    private Sweeps() {}

    /** One dimension: the names it sets and, per value, what each name gets. */
    record Dimension(List<Map<String, Object>> values) {}

    /**
     * Parses and expands a sweep; problems go to {@code errors}. {@code pinned} params (set with
     * {@code --set}) are left out of the sweep.
     */
    static List<Map<String, Object>> expand(YamlNode node, Set<String> pinned, List<SpecError> errors) {
        if (!(node instanceof YamlNode.Mapping m)) {
            errors.add(new SpecError(node.where(), "'sweep' must be a map of param → list or range, found " + node.kind()));
            return List.of(Map.of());
        }
        List<Dimension> dims = new ArrayList<>();
        for (YamlNode.Entry e : m.entries().values()) {
            if (e.key().equals("zip")) {
                Dimension d = zip(e, pinned, errors);
                if (d != null) {
                    dims.add(d);
                }
            } else if (!pinned.contains(e.key())) {
                checkName(e, errors);
                List<Object> values = values(e, errors);
                List<Map<String, Object>> vs = new ArrayList<>();
                values.forEach(v -> vs.add(single(e.key(), v)));
                if (!vs.isEmpty()) {
                    dims.add(new Dimension(vs));
                }
            }
        }
        long total = 1;
        for (Dimension d : dims) {
            total *= d.values().size();
            if (total > MAX_POINTS) {
                errors.add(new SpecError(node.where(), "the sweep has more than " + MAX_POINTS + " points"));
                return List.of(Map.of());
            }
        }
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Dimension d : dims) {
            List<Map<String, Object>> next = new ArrayList<>(points.size() * d.values().size());
            for (Map<String, Object> p : points) {
                for (Map<String, Object> v : d.values()) {
                    Map<String, Object> q = new LinkedHashMap<>(p);
                    q.putAll(v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    private static Dimension zip(YamlNode.Entry e, Set<String> pinned, List<SpecError> errors) {
        if (!(e.value() instanceof YamlNode.Mapping zm) || zm.entries().isEmpty()) {
            errors.add(new SpecError(e.value().where(), "'zip' must be a map of param → list (paired element by element)"));
            return null;
        }
        Map<String, List<Object>> lists = new LinkedHashMap<>();
        int size = -1;
        for (YamlNode.Entry z : zm.entries().values()) {
            checkName(z, errors);
            List<Object> values = values(z, errors);
            if (size >= 0 && values.size() != size) {
                errors.add(new SpecError(z.value().where(), "zip lists must have the same length: '" + z.key() + "' has "
                        + values.size() + ", the first has " + size));
            }
            size = size < 0 ? values.size() : size;
            if (!pinned.contains(z.key())) {
                lists.put(z.key(), values);
            }
        }
        if (lists.isEmpty() || size <= 0) {
            return null;
        }
        List<Map<String, Object>> vs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (Map.Entry<String, List<Object>> l : lists.entrySet()) {
                v.put(l.getKey(), i < l.getValue().size() ? l.getValue().get(i) : null);
            }
            vs.add(v);
        }
        return new Dimension(vs);
    }

    private static List<Object> values(YamlNode.Entry e, List<SpecError> errors) {
        YamlNode v = e.value();
        if (v instanceof YamlNode.Seq q) {
            if (q.items().isEmpty()) {
                errors.add(new SpecError(v.where(), "sweep '" + e.key() + "' has no values"));
            }
            return q.items().stream().map(YamlNode::toPlain).toList();
        }
        if (v instanceof YamlNode.Mapping r && RANGE_KEYS.containsAll(r.entries().keySet())) {
            return range(e.key(), r, errors);
        }
        errors.add(new SpecError(v.where(), "sweep '" + e.key() + "' must be a list of values or a range "
                + "{from: 0, to: 359, step: 15}, found " + v.kind()));
        return List.of();
    }

    /** An inclusive range; integers when from and step are whole numbers, else decimals (no float drift). */
    static List<Object> range(String key, YamlNode.Mapping r, List<SpecError> errors) {
        BigDecimal from = number(r, "from", key, errors);
        BigDecimal to = number(r, "to", key, errors);
        BigDecimal step = r.get("step") == null ? BigDecimal.ONE : number(r, "step", key, errors);
        if (from == null || to == null || step == null) {
            return List.of();
        }
        if (step.signum() == 0 || (to.compareTo(from) - 0) * step.signum() < 0) {
            errors.add(new SpecError(r.where(), "range of '" + key + "' never reaches 'to': from " + from + " to " + to
                    + " by " + step));
            return List.of();
        }
        long count = to.subtract(from).divide(step, 0, java.math.RoundingMode.FLOOR).longValueExact() + 1;
        if (count > MAX_POINTS) {
            errors.add(new SpecError(r.where(), "range of '" + key + "' has more than " + MAX_POINTS + " values"));
            return List.of();
        }
        boolean whole = from.stripTrailingZeros().scale() <= 0 && step.stripTrailingZeros().scale() <= 0;
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            BigDecimal v = from.add(step.multiply(BigDecimal.valueOf(i)));
            out.add(whole ? (Object) v.longValueExact() : (Object) v.doubleValue());
        }
        return out;
    }

    private static BigDecimal number(YamlNode.Mapping r, String k, String key, List<SpecError> errors) {
        YamlNode n = r.get(k);
        if (n instanceof YamlNode.Scalar s && s.value() instanceof Number num) {
            return new BigDecimal(num.toString());
        }
        errors.add(new SpecError(n == null ? r.where() : n.where(), "range of '" + key + "' needs a number for '" + k + "'"));
        return null;
    }

    private static void checkName(YamlNode.Entry e, List<SpecError> errors) {
        if (!e.key().matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            errors.add(new SpecError(e.keyWhere(), "bad param name '" + e.key() + "' in sweep"));
        }
    }

    private static Map<String, Object> single(String k, Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }
}
