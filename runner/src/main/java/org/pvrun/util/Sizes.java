package org.pvrun.util;

import java.util.Locale;

/** Byte counts for people: {@code 812 B}, {@code 3.4 KB}, {@code 12.0 MB}, {@code 1.5 GB} (powers of 1024). */
public final class Sizes {
    private Sizes() {}

    public static String human(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n / 1024.0;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
