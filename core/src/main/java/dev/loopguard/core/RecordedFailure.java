package dev.loopguard.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Objects;

/**
 * A failure of user code that a {@link ControllerRunner} or a {@link TaskRegistry} caught and kept, so that it can be
 * shown later instead of being lost.
 *
 * @param at when the failure was observed, on the loop's {@link LoopClock}
 * @param phase what was running, for example {@code "loop"}, {@code "initialize"} or {@code "run"}
 * @param error the exception, with its stack trace
 */
public record RecordedFailure(Instant at, String phase, Throwable error) {

    public RecordedFailure {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(error, "error");
    }

    /**
     * The exception's class name and message on one line, e.g. {@code java.io.IOException: port busy}. Line breaks
     * ({@code \r}, {@code \n}, NEL, U+2028, U+2029) and other control characters in the message are escaped
     * ({@code port busy\r\nretry}), as task results are in status lines, so that a status line stays one line.
     */
    public String summary() {
        String message = error.getMessage();
        String type = error.getClass().getName();
        return message == null ? type : type + ": " + StatusText.escape(message);
    }

    /** The full stack trace, causes and suppressed exceptions included, as {@link Throwable#printStackTrace()} prints it. */
    public String stackTrace() {
        StringWriter out = new StringWriter();
        try (PrintWriter writer = new PrintWriter(out)) {
            error.printStackTrace(writer);
        }
        return out.toString();
    }
}
