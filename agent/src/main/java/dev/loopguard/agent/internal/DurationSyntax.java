package dev.loopguard.agent.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The toolkit's one duration grammar, in the agent's own copy (the agent depends on nothing of the toolkit's): a
 * non-negative decimal number followed at once by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
 * ({@code 750ms}, {@code 1.5h}), or an ISO-8601 duration as {@link Duration#parse} reads it ({@code PT10M}). The value
 * must be a whole number of nanoseconds that fits in a signed 64-bit count (at most 106751 days), so that every
 * consumer can hold it as {@code long} nanoseconds without overflow. The table of cases both copies are tested
 * against is core's {@code duration-syntax-cases.tsv}.
 */
final class DurationSyntax {
    static final String FORM = "a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M";
    private static final String[] UNITS = {"ms", "s", "m", "h", "d"};
    private static final long[] UNIT_NANOS = {1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L,
        86_400_000_000_000L};

    private DurationSyntax() {
    }

    /**
     * Parses {@code value} of the option {@code key}.
     *
     * @throws IllegalArgumentException {@code "<key> must be a duration like ..., was '<value>'"}, with the reason
     *                                  when the form is right but the value is not
     */
    static Duration parse(String key, String value) {
        if (!value.isEmpty() && (value.charAt(0) == 'P' || value.charAt(0) == 'p')) {
            return iso(key, value);
        }
        int unitStart = value.length();
        while (unitStart > 0 && Character.isLetter(value.charAt(unitStart - 1))) {
            unitStart--;
        }
        String number = value.substring(0, unitStart);
        int unit = unitIndex(value.substring(unitStart));
        if (unit < 0 || !isDecimal(number)) {
            throw malformed(key, value, null);
        }
        long unitNanos = UNIT_NANOS[unit];
        if (number.indexOf('.') < 0 && number.length() <= 18) {
            // The common case, without BigDecimal: it is not loaded at start-up otherwise.
            long amount = Long.parseLong(number);
            if (amount > Long.MAX_VALUE / unitNanos) {
                throw malformed(key, value, tooLong());
            }
            return Duration.ofNanos(amount * unitNanos);
        }
        BigDecimal nanos = new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw malformed(key, value, tooLong());
        }
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException notWhole) {
            throw malformed(key, value, "it is not a whole number of nanoseconds");
        }
    }

    private static Duration iso(String key, String value) {
        Duration d;
        try {
            d = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw malformed(key, value, null);
        }
        if (d.isNegative()) {
            throw malformed(key, value, "it is negative");
        }
        try {
            d.toNanos();
        } catch (ArithmeticException e) {
            throw malformed(key, value, tooLong());
        }
        return d;
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        return -1;
    }

    /** Digits, optionally a '.' followed by digits: no sign, no exponent, digits on both sides of the point. */
    private static boolean isDecimal(String s) {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        String fraction = dot < 0 ? "0" : s.substring(dot + 1);
        return allDigits(whole) && allDigits(fraction);
    }

    private static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String tooLong() {
        return "longer than 106751d, the longest duration the agent can count in nanoseconds";
    }

    private static IllegalArgumentException malformed(String key, String value, String reason) {
        return new IllegalArgumentException(key + " must be " + FORM + ", was '" + value + "'"
                + (reason == null ? "" : ": " + reason));
    }
}
