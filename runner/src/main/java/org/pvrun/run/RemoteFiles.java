package org.pvrun.run;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parsing what standard tools on the target print about files. */
final class RemoteFiles {
    private RemoteFiles() {}

    /**
     * Parses GNU {@code sha256sum} output into path → hash. Names with a backslash or newline are printed with
     * a leading backslash and escaped (\\ and \n); see coreutils' "sha2 utilities" documentation.
     */
    static Map<String, String> parseSha256sum(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            boolean escaped = line.startsWith("\\");
            String l = escaped ? line.substring(1) : line;
            int sep = l.indexOf("  ");
            if (sep != 64) {
                sep = l.indexOf(" *");
                if (sep != 64) {
                    throw new IllegalArgumentException("unexpected sha256sum line: " + line);
                }
            }
            String hash = l.substring(0, 64);
            String name = l.substring(66);
            if (escaped) {
                name = unescape(name);
            }
            out.put(name, hash);
        }
        return out;
    }

    /** Parses {@code sha256sum -z} output: "HASH  NAME" records ended by NUL, names unescaped. */
    static Map<String, String> parseSha256sumZ(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String rec : output.split("\0")) {
            if (rec.isEmpty() || rec.equals("\n")) {
                continue;
            }
            if (rec.length() < 67 || (rec.charAt(64) != ' ') || (rec.charAt(65) != ' ' && rec.charAt(65) != '*')) {
                throw new IllegalArgumentException("unexpected sha256sum -z record: " + rec);
            }
            out.put(rec.substring(66), rec.substring(0, 64));
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
