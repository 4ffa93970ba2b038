package org.pvrun.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each node came from, so validation can point at the
 * line and column of the offending value rather than just naming a field.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Seq, YamlNode.Mapping {

    Located where();

    /** Human name of the node's kind, for "expected X, found Y" messages. */
    String kind();

    /** A plain value: string, Long/BigInteger, Double/BigDecimal, Boolean, or null. */
    record Scalar(Located where, Object value) implements YamlNode {
        @Override
        public String kind() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }
    }

    record Seq(Located where, List<YamlNode> items) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A mapping whose keys keep their own locations (for unknown-key messages). */
    record Mapping(Located where, LinkedHashMap<String, Entry> entries) implements YamlNode {
        @Override
        public String kind() {
            return "a map";
        }

        public YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        public Map<String, Entry> asMap() {
            return entries;
        }
    }

    record Entry(Located keyWhere, String key, YamlNode value) {}

    /** Converts to plain Java values (String, Long, Double, Boolean, null, List, LinkedHashMap). */
    static Object toPlain(YamlNode node) {
        if (node instanceof Scalar s) {
            return s.value();
        }
        if (node instanceof Seq q) {
            return q.items().stream().map(YamlNode::toPlain).toList();
        }
        Mapping m = (Mapping) node;
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, e) -> out.put(k, toPlain(e.value())));
        return out;
    }
}
