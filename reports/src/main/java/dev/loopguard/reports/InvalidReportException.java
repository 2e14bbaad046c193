package dev.loopguard.reports;

import java.nio.file.Path;
import java.util.List;

/**
 * An input file could not be read: a findings report, JMH results or a baseline that is missing, is not JSON, or
 * does not have the expected shape. The message names the file and, for shape problems, each offending location and
 * what was expected there.
 */
public final class InvalidReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final List<String> problems;

    InvalidReportException(Path file, String summary, List<String> problems, Throwable cause) {
        super(summary + (problems.isEmpty() ? "" : ":\n  " + String.join("\n  ", problems)), cause);
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The file that was read. */
    public Path file() {
        return file;
    }

    /** Each problem as {@code <location>: <what was expected>}; empty for unreadable or malformed files. */
    public List<String> problems() {
        return problems;
    }
}
