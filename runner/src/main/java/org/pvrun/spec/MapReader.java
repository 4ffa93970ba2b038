package org.pvrun.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to a YAML map that records every problem (unknown key with the nearest valid one, wrong
 * type, missing key) with its position, so a user sees all mistakes at once.
 */
public final class MapReader {
    private final YamlNode.Mapping map;
    private final List<SpecError> errors;

    public MapReader(YamlNode node, String what, Collection<String> known, List<SpecError> errors) {
        this.errors = errors;
        if (!(node instanceof YamlNode.Mapping m)) {
            errors.add(new SpecError(node.where(), "expected " + what + " as a map of keys, found " + node.kind()));
            this.map = new YamlNode.Mapping(node.where(), new LinkedHashMap<>());
            return;
        }
        this.map = m;
        for (YamlNode.Entry e : m.entries().values()) {
            if (!known.contains(e.key())) {
                String near = nearest(e.key(), known);
                errors.add(new SpecError(e.keyWhere(), "unknown key '" + e.key() + "' in " + what
                        + (near != null ? "; did you mean '" + near + "'?" : "; valid keys: " + String.join(", ", known))));
            }
        }
    }

    List<SpecError> errors() {
        return errors;
    }

    public YamlNode.Mapping node() {
        return map;
    }

    public boolean has(String key) {
        return map.get(key) != null && !(map.get(key) instanceof YamlNode.Scalar s && s.value() == null);
    }

    public YamlNode raw(String key) {
        return map.get(key);
    }

    public Located where(String key) {
        YamlNode n = map.get(key);
        return n != null ? n.where() : map.where();
    }

    public String string(String key, boolean required) {
        YamlNode n = map.get(key);
        if (n == null || (n instanceof YamlNode.Scalar s && s.value() == null)) {
            if (required) {
                errors.add(new SpecError(map.where(), "missing required key '" + key + "'"));
            }
            return null;
        }
        if (n instanceof YamlNode.Scalar s && s.value() instanceof String str) {
            return str;
        }
        errors.add(new SpecError(n.where(), "'" + key + "' must be a string, found " + n.kind()));
        return null;
    }

    public Long integer(String key) {
        YamlNode n = map.get(key);
        if (n == null || (n instanceof YamlNode.Scalar s && s.value() == null)) {
            return null;
        }
        if (n instanceof YamlNode.Scalar s && s.value() instanceof Long l) {
            return l;
        }
        errors.add(new SpecError(n.where(), "'" + key + "' must be a whole number, found " + n.kind()
                + (n instanceof YamlNode.Scalar s ? " (" + s.value() + ")" : "")));
        return null;
    }

    /**
     * A whole number from {@code min} to {@code max}, or null when absent; out of range, the error
     * "{@code rule}, found N" and null.
     */
    public Integer integer(String key, long min, long max, String rule) {
        Long v = integer(key);
        if (v == null) {
            return null;
        }
        if (v < min || v > max) {
            errors.add(new SpecError(where(key), rule + ", found " + v));
            return null;
        }
        return v.intValue();
    }

    /** The {@code display} key: AUTO when absent, and when it names no display (with an error). */
    public Display display() {
        String text = string("display", false);
        if (text == null) {
            return Display.AUTO;
        }
        try {
            return Display.parse(text);
        } catch (IllegalArgumentException e) {
            error(where("display"), "bad display '" + text + "'; expected auto, offscreen, xvfb or egl");
            return Display.AUTO;
        }
    }

    /** A list of strings; a single string is accepted as a one-element list. Numbers are taken as text. */
    public List<Located.Text> strings(String key) {
        YamlNode n = map.get(key);
        List<Located.Text> out = new ArrayList<>();
        if (n == null || (n instanceof YamlNode.Scalar s0 && s0.value() == null)) {
            return out;
        }
        List<YamlNode> items = n instanceof YamlNode.Seq q ? q.items() : List.of(n);
        for (YamlNode item : items) {
            if (item instanceof YamlNode.Scalar s && s.value() != null && !(s.value() instanceof Boolean)) {
                out.add(new Located.Text(item.where(), String.valueOf(s.value())));
            } else {
                errors.add(new SpecError(item.where(), "'" + key + "' must be a list of strings, found " + item.kind()
                        + (item instanceof YamlNode.Mapping ? " (YAML reads {x} as a map: quote it, \"{x}\")" : "")));
            }
        }
        return out;
    }

    /** A map of plain values, or an empty map. */
    public Map<String, YamlNode> map(String key) {
        YamlNode n = map.get(key);
        Map<String, YamlNode> out = new LinkedHashMap<>();
        if (n == null || (n instanceof YamlNode.Scalar s && s.value() == null)) {
            return out;
        }
        if (n instanceof YamlNode.Mapping m) {
            m.entries().forEach((k, e) -> out.put(k, e.value()));
        } else {
            errors.add(new SpecError(n.where(), "'" + key + "' must be a map, found " + n.kind()));
        }
        return out;
    }

    public void error(Located where, String message) {
        errors.add(new SpecError(where, message));
    }

    /** The known word closest to a misspelt one (edit distance at most a third of its length, min 2). */
    public static String nearest(String word, Collection<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(word.toLowerCase(), k.toLowerCase());
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return bestD <= Math.max(2, word.length() / 3) ? best : null;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
