package dev.loopguard.reports;

import java.nio.file.Path;
import java.util.List;

/**
 * A findings report could not be read: the file is missing, is not JSON, or does not match the report schema.
 * The message names the file and, for schema problems, each offending location and what was expected there.
 */
public final class InvalidReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Path file;
    private final List<String> problems;

    InvalidReportException(Path file, String summary, List<String> problems, Throwable cause) {
        super(summary + (problems.isEmpty() ? "" : ":\n  " + String.join("\n  ", problems)), cause);
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The report file that was read. */
    public Path file() {
        return file;
    }

    /** Each schema problem as {@code <location>: <what was expected>}; empty for unreadable or malformed files. */
    public List<String> problems() {
        return problems;
    }
}
