package dev.loopguard.reports;

import java.util.List;
import java.util.Objects;

/**
 * The exception of an {@code UNHANDLED_FAILURE} finding, as the report records it.
 *
 * @param type the exception's class name
 * @param message its message, or null when it had none
 * @param stack its stack frames, innermost first
 */
public record ReportedException(String type, String message, List<String> stack) {

    public ReportedException {
        Objects.requireNonNull(type, "type");
        stack = List.copyOf(Objects.requireNonNull(stack, "stack"));
    }

    /** {@code type: message}, or the type alone, as {@link Throwable#toString()} prints it. */
    @Override
    public String toString() {
        return message == null ? type : type + ": " + message;
    }
}
