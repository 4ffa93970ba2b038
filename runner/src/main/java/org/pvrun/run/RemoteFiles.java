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

    /**
     * The login user's id, then for each directory a NUL-ended record of {@code ls -dLn} (empty: it does not exist
     * yet). {@code -L}: a workdir that is a link (to scratch, say) is judged by the directory it leads to.
     */
    static final String DIR_OWNERS = "id -u; for d; do printf '%s\\0' \"$(ls -dLn -- \"$d\" 2>/dev/null)\"; done";

    /**
     * Why the directory {@code ls -dLn} described ({@code drwxr-x--- 3 1001 1001 4096 Dec  2 18:00 NAME}) is no
     * place for the runs of user {@code uid}: not a directory, someone else's, or writable by its group or by
     * others (who could then swap a run's folders for their own); null when it is fit.
     */
    static String unfitDirectory(String lsLine, String uid) {
        String[] f = lsLine.strip().split("\\s+", 5);
        if (f.length < 4 || f[0].length() < 10) {
            return "cannot read its owner and mode from ls -dLn: " + lsLine.strip();
        }
        String mode = f[0].substring(0, 10);
        if (mode.charAt(0) != 'd') {
            return "it is not a directory (" + mode + ")";
        }
        if (!f[2].equals(uid)) {
            return "it belongs to uid " + f[2] + ", not to the login user (uid " + uid + ")";
        }
        boolean group = mode.charAt(5) == 'w';
        boolean others = mode.charAt(8) == 'w';
        if (group || others) {
            return (group && others ? "its group and others" : group ? "its group" : "others") + " can write to it ("
                    + mode + ")";
        }
        return null;
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
