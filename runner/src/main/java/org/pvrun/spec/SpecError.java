package org.pvrun.spec;

/** One problem with an input file, at a place in it. */
public record SpecError(Located where, String message) {
    /**
     * {@code FILE:LINE:COL: message} on one line: a value quoted in the message keeps its newlines and control
     * characters only as escapes ({@code \n}), so every problem is one line that starts with its place.
     */
    @Override
    public String toString() {
        return where + ": " + oneLine(message);
    }

    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
