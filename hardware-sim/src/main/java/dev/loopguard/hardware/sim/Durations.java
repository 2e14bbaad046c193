package dev.loopguard.hardware.sim;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration syntax of scenario files: {@code 750ms}, {@code 2s}, {@code 1.5m}, {@code 24h}, {@code 1d}, ISO-8601. */
final class Durations {
    static final String ACCEPTED = "a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M";
    private static final Pattern SIMPLE = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|min|h|d)?");

    private Durations() {
    }

    /**
     * Parses a duration; a bare number means seconds.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("-pt") || t.startsWith("p")) {
            try {
                return Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("must be " + ACCEPTED + ", was '" + text + "'", e);
            }
        }
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be " + ACCEPTED + ", was '" + text + "'");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long nanosPerUnit = switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalArgumentException("must be " + ACCEPTED + ", was '" + text + "'");
        };
        return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
    }

    /** Formats a duration in the largest unit that represents it exactly, e.g. {@code 10m}, {@code 750ms}. */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        // hours are the largest unit: "24h" and "48h" read better than "1d" and "2d" for daily cycles
        long[] per = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] names = {"h", "m", "s", "ms", "us"};
        for (int i = 0; i < per.length; i++) {
            if (nanos % per[i] == 0) {
                return nanos / per[i] + names[i];
            }
        }
        return nanos + "ns";
    }
}
