package org.pvrun.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Script arguments with {param} placeholders. "{{" and "}}" stand for literal braces. Each argument stays
 * one argument whatever its value contains: arguments are passed as a list, never through a shell.
 */
public final class ArgTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArgTemplate() {}

    /** The parameter names an argument refers to; throws IllegalArgumentException if malformed. */
    public static Set<String> names(String template) {
        Set<String> names = new java.util.LinkedHashSet<>();
        scan(template, names::add);
        return names;
    }

    public static String expand(String template, Map<String, Object> params) {
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                out.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                out.append('}');
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                String name = template.substring(i + 1, end);
                if (!params.containsKey(name)) {
                    missing.add(name);
                } else {
                    out.append(format(params.get(name)));
                }
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("unknown param '" + missing.get(0) + "' in argument '" + template + "'");
        }
        return out.toString();
    }

    /** How a param value is written into an argument: text as is, lists and maps as JSON. */
    public static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Map || value instanceof List) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.valueOf(value);
    }

    private static void scan(String t, java.util.function.Consumer<String> names) {
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < t.length() && t.charAt(i + 1) == c) {
                i += 2;
            } else if (c == '{') {
                int end = t.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '{' in argument '" + t + "'; write {{ for a literal brace");
                }
                String name = t.substring(i + 1, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                    throw new IllegalArgumentException("bad placeholder '{" + name + "}' in argument '" + t
                            + "'; expected {param_name}, or {{ for a literal brace");
                }
                names.accept(name);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("unmatched '}' in argument '" + t + "'; write }} for a literal brace");
            } else {
                i++;
            }
        }
    }
}
