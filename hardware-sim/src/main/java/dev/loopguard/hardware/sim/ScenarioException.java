package dev.loopguard.hardware.sim;

import java.util.Objects;

/**
 * A scenario file could not be loaded. The message reads
 * {@code <file>: <path inside it>: <what was expected>, was <what was found>}, e.g.
 * {@code greenhouse.yaml: devices[2].signal.period: must be a positive duration, was -5m}.
 */
public final class ScenarioException extends IllegalArgumentException {
    private final String source;
    private final String path;

    ScenarioException(String source, String path, String problem, Throwable cause) {
        super(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem, cause);
        this.source = Objects.requireNonNull(source, "source");
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The file (or source name) that failed. */
    public String source() {
        return source;
    }

    /** The path inside the document, e.g. {@code devices[2].signal.period}; empty for the document itself. */
    public String path() {
        return path;
    }
}
