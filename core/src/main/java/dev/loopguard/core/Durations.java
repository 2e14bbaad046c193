package dev.loopguard.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax a user writes anywhere in the toolkit (scenario files, {@code @VirtualTime} attributes),
 * and the range of durations the loops' clocks hold.
 *
 * <p>The grammar: a non-negative decimal number followed at once by a unit, {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 750ms}, {@code 30s}, {@code 10m}, {@code 1.5h}, {@code 1d}), or an ISO-8601 duration
 * as {@link Duration#parse(CharSequence)} reads it ({@code PT10M}, {@code P1D}, {@code PT0.5S}). Units are lower
 * case; there is no space, sign, exponent or bare number ({@code 10} could mean seconds or milliseconds, so it is
 * refused rather than guessed). The value must be a whole number of nanoseconds and at most {@link #MAX}, the most a
 * signed 64-bit count of nanoseconds holds (106751 days and a bit, about 292 years), because every loop keeps time
 * that way.
 */
public final class Durations {

    /** The longest duration a loop's clock holds: {@link Long#MAX_VALUE} nanoseconds, about 292 years. */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    /** The accepted forms, as every message about a malformed duration shows them. */
    static final String ACCEPTED = "a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M";

    private static final Pattern DECIMAL_WITH_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");
    /** Longer inputs are not durations anyone wrote; refusing them early keeps the decimal arithmetic small. */
    private static final int MAX_LENGTH = 64;
    private static final int MAX_SHOWN = 80;
    private static final String WHY_MAX = "the longest a loop's nanosecond clock holds, about 292 years";

    private Durations() {
    }

    /**
     * Parses a duration of the toolkit's grammar (see the class documentation).
     *
     * @throws IllegalArgumentException with a message that starts with {@code must} and ends with the value, e.g.
     *     {@code must be a duration like 750ms, 30s, 10m, 1.5h, 1d or PT10M, was '3h30m'}, for the caller to prefix
     *     with what was being parsed ({@code greenhouse.yaml: devices[0].faults[0].at: must be ...})
     * @throws NullPointerException if {@code text} is null
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "duration text");
        if (text.length() > MAX_LENGTH) {
            throw malformed(text);
        }
        Matcher simple = DECIMAL_WITH_UNIT.matcher(text);
        if (simple.matches()) {
            return fromDecimal(text, new BigDecimal(simple.group(1)), nanosPer(simple.group(2)));
        }
        if (text.isEmpty() || !looksIso(text)) {
            throw malformed(text);
        }
        Duration parsed;
        try {
            parsed = Duration.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("must be " + ACCEPTED + ", was " + quote(text), e);
        }
        if (parsed.isNegative()) {
            throw new IllegalArgumentException("must not be negative, was " + quote(text));
        }
        if (parsed.compareTo(MAX) > 0) {
            throw tooLong(text);
        }
        return parsed;
    }

    /**
     * Rejects a duration longer than {@link #MAX}; {@code name} says what it is ({@code task 'blink' startAfter}).
     */
    static Duration requireWithinClock(Duration value, String name) {
        if (value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX + " (" + WHY_MAX + "), was " + value);
        }
        return value;
    }

    /** The earliest instant a nanosecond count from the epoch holds, {@code 1677-09-21T00:12:43.145224192Z}. */
    static final Instant EARLIEST = Instant.EPOCH.plusNanos(Long.MIN_VALUE);
    /** The latest instant a nanosecond count from the epoch holds, {@code 2262-04-11T23:47:16.854775807Z}. */
    static final Instant LATEST = Instant.EPOCH.plusNanos(Long.MAX_VALUE);

    /** Rejects an instant that a loop's nanosecond clock cannot reach; {@code name} says what it is. */
    static Instant requireWithinClock(Instant value, String name) {
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
            throw new IllegalArgumentException(name + " must be between " + EARLIEST + " and " + LATEST
                    + " (the instants a loop's nanosecond clock reaches), was " + value);
        }
        return value;
    }

    /** {@code 'text'} with every control and line-breaking character escaped, shortened when very long. */
    static String quote(String text) {
        String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
        return "'" + StatusText.escape(shown) + "'";
    }

    private static Duration fromDecimal(String text, BigDecimal amount, long nanosPerUnit) {
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw tooLong(text);
        }
        if (nanos.signum() != 0 && nanos.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("must be a whole number of nanoseconds (at most 6 decimals of ms, "
                    + "9 of s), was " + quote(text));
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    private static long nanosPer(String unit) {
        switch (unit) {
            case "ms": return 1_000_000L;
            case "s": return 1_000_000_000L;
            case "m": return 60_000_000_000L;
            case "h": return 3_600_000_000_000L;
            default: return 86_400_000_000_000L;
        }
    }

    private static boolean looksIso(String text) {
        char first = text.charAt(0);
        return first == 'P' || first == 'p' || first == '+' || first == '-';
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("must be " + ACCEPTED + ", was " + quote(text));
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("must be at most 106751 days (" + MAX + ", " + WHY_MAX + "), was "
                + quote(text));
    }
}
