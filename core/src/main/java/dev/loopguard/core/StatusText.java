package dev.loopguard.core;

import java.time.Duration;

/** How durations read in task status lines: whole seconds and the units a person would use. */
final class StatusText {

    private StatusText() {
    }

    /** {@code 38 s}, {@code 3 min 5 s}, {@code 2 h 14 min}, {@code 3 d 4 h}; fractions of a second are dropped. */
    static String span(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }

    /** Like {@link #span(Duration)}, but in milliseconds below one second, where whole seconds would say 0. */
    static String runtime(Duration duration) {
        return duration.compareTo(Duration.ofSeconds(1)) < 0 ? Math.max(0, duration.toMillis()) + " ms"
                : span(duration);
    }

    /** A value on one line, so that a result cannot break the status layout. */
    static String oneLine(Object value) {
        return String.valueOf(value).replace("\r", "\\r").replace("\n", "\\n");
    }
}
