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
        return escape(String.valueOf(value));
    }

    /**
     * {@code text} with every character that could break a line or move the cursor escaped: CR, LF and tab as
     * backslash-r, backslash-n and backslash-t, every other control character (C0, DEL and C1, NEL U+0085 among them)
     * and the line and paragraph separators U+2028 and U+2029 as a backslash, {@code u} and four hex digits.
     */
    static String escape(String text) {
        return escape(text, false);
    }

    /** Like {@link #escape(String)}; with {@code keepTabs}, tabs stay (stack trace lines start with one). */
    static String escape(String text, boolean keepTabs) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = keepTabs && c == '\t' ? null : replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String replacement(char c) {
        switch (c) {
            case '\r': return "\\r";
            case '\n': return "\\n";
            case '\t': return "\\t";
            default:
                if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                    return String.format("\\u%04x", (int) c);
                }
                return null;
        }
    }
}
