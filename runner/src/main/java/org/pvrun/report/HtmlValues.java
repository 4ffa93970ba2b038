package org.pvrun.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The values of the report's tables as views of {@code _value.html.mustache}: text, code, a hash, "none", a
 * link, and tables, key-value tables and lists of values, nested as deep as the manifest nests them. Every
 * view has every kind's key (all but one null), so that a nested value never shows its parent's through
 * Mustache's lookup in enclosing scopes.
 */
final class HtmlValues {
    private static final List<String> KINDS = List.of("text", "code", "hash", "none", "link", "table", "entries",
            "items", "files");

    private HtmlValues() {}

    static Map<String, Object> of(String kind, Object value) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (String k : KINDS) {
            v.put(k, null);
        }
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("no value kind " + kind);
        }
        v.put(kind, value);
        return v;
    }

    static Map<String, Object> text(Object s) {
        return of("text", s == null ? "" : String.valueOf(s));
    }

    static Map<String, Object> code(String s) {
        return of("code", s == null ? "" : s);
    }

    static Map<String, Object> hash(String s) {
        return of("hash", s);
    }

    /** A link to {@code href} (already a URL) showing {@code text}. */
    static Map<String, Object> link(String href, String text) {
        return of("link", Map.of("href", href, "text", text));
    }

    /** A key-value table of the given rows ({@link #row}). */
    static Map<String, Object> entries(List<Map<String, Object>> rows) {
        return of("entries", Map.of("fields", rows));
    }

    static Map<String, Object> row(String key, Map<String, Object> value) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", key);
        r.put("value", value);
        return r;
    }

    /** A table with a header row; each row a list of cells, one per column. */
    static Map<String, Object> table(List<String> columns, List<List<Map<String, Object>>> rows) {
        List<Map<String, Object>> cols = columns.stream().map(c -> Map.<String, Object>of("name", c)).toList();
        List<Map<String, Object>> rs = rows.stream().map(r -> Map.<String, Object>of("cells", r)).toList();
        return of("table", Map.of("columns", cols, "rows", rs));
    }

    /** A list of files: each a link (or code, outside the run) and its size. */
    static Map<String, Object> files(List<Map<String, Object>> linksAndSizes) {
        return of("files", Map.of("list", linksAndSizes));
    }

    /** Any JSON value: scalars as text, lists as lists, objects and lists of objects as tables. */
    static Map<String, Object> json(String key, JsonNode v) {
        if (v == null || v.isNull()) {
            return text("");
        }
        if (v.isValueNode()) {
            String s = v.asText();
            return key.endsWith("sha256") || key.equals("key") ? hash(s) : v.isTextual() ? text(s) : code(s);
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                return of("none", true);
            }
            boolean objects = true;
            boolean scalars = true;
            for (JsonNode e : v) {
                objects &= e.isObject();
                scalars &= e.isValueNode();
            }
            if (scalars && (key.equals("command") || key.equals("argv"))) {
                List<String> parts = new ArrayList<>();
                v.forEach(e -> parts.add(e.asText()));
                return code(String.join(" ", parts));
            }
            if (objects) {
                Set<String> cols = new LinkedHashSet<>();
                v.forEach(e -> e.fieldNames().forEachRemaining(cols::add));
                List<List<Map<String, Object>>> rows = new ArrayList<>();
                for (JsonNode e : v) {
                    rows.add(cols.stream().map(c -> json(c, e.get(c))).toList());
                }
                return table(List.copyOf(cols), rows);
            }
            List<Map<String, Object>> values = new ArrayList<>();
            v.forEach(e -> values.add(json(key, e)));
            return of("items", Map.of("values", values));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        v.fields().forEachRemaining(e -> rows.add(row(e.getKey(), json(e.getKey(), e.getValue()))));
        return entries(rows);
    }
}
