package org.pvrun.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in specs: "90s", "20m", "1h30m", "2d", or a scheduler's "HH:MM:SS". */
public final class Durations {
    private static final Pattern UNITS = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    private static final Pattern CLOCK = Pattern.compile("(?:(\\d+)-)?(\\d+):(\\d{2}):(\\d{2})");

    private Durations() {}

    /** Parses a duration; throws IllegalArgumentException saying what is expected. */
    public static Duration parse(String text) {
        String s = text.strip();
        Matcher m = UNITS.matcher(s);
        if (!s.isEmpty() && m.matches()) {
            Duration d = Duration.ofDays(num(m.group(1))).plusHours(num(m.group(2)))
                    .plusMinutes(num(m.group(3))).plusSeconds(num(m.group(4)));
            if (!d.isZero()) {
                return d;
            }
        }
        Matcher c = CLOCK.matcher(s);
        if (c.matches()) {
            Duration d = Duration.ofDays(num(c.group(1))).plusHours(num(c.group(2)))
                    .plusMinutes(num(c.group(3))).plusSeconds(num(c.group(4)));
            if (!d.isZero()) {
                return d;
            }
        }
        throw new IllegalArgumentException("bad duration '" + text
                + "'; expected a positive duration such as 90s, 20m, 1h30m or 01:30:00");
    }

    /** Formats as HH:MM:SS, the form Slurm and PBS accept for wall time. */
    public static String clock(Duration d) {
        long s = d.getSeconds();
        return String.format("%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }

    /** The short human form of a duration: 90s, 20m, 1h30m, 30d. */
    public static String human(Duration d) {
        long days = d.toDays();
        Duration rest = d.minusDays(days);
        String r = rest.isZero() ? "" : rest.toString().substring(2).toLowerCase();
        return days > 0 ? days + "d" + r : r.isEmpty() ? "0s" : r;
    }

    private static long num(String g) {
        return g == null ? 0 : Long.parseLong(g);
    }
}
