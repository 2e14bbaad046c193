package dev.loopguard.agent.internal.recording;

import java.time.Instant;

/**
 * Formats an instant as ISO-8601 in UTC with millisecond precision ({@code 2026-11-21T22:29:48.123Z}), the form the
 * report schema's {@code date-time} fields use.
 *
 * <p>Not {@link Instant#toString()}: that goes through {@code java.time.format}, about 60 classes that a JVM which
 * never formats a date loads only to write the report, at exit, where they showed up in the agent's start-up and
 * shutdown cost. The arithmetic is the proleptic Gregorian calendar's, valid for the years 0000 to 9999.
 */
final class IsoInstant {
    private IsoInstant() {
    }

    static String format(Instant instant) {
        long millis = instant.toEpochMilli();
        long days = Math.floorDiv(millis, 86_400_000L);
        int msOfDay = (int) Math.floorMod(millis, 86_400_000L);
        // days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, in eras of 400 years)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder out = new StringBuilder(24);
        pad(out, year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, msOfDay / 3_600_000, 2).append(':');
        pad(out, msOfDay / 60_000 % 60, 2).append(':');
        pad(out, msOfDay / 1000 % 60, 2).append('.');
        pad(out, msOfDay % 1000, 3).append('Z');
        return out.toString();
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
