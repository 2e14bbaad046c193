package dev.loopguard.reports.format;

import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.internal.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Renders a {@link ReportData} in one format. Get one from {@link ReportFormatFactory#create}; the implementations
 * are not public. Everything an output shows is escaped for its format, and each output stays within the limits
 * its readers have (see {@link FormatOptions}).
 */
public interface ReportFormat {

    /** The format this writes. */
    ReportFormatType type();

    /** Writes the report to {@code out}, which stays open. */
    void write(ReportData data, OutputStream out) throws IOException;

    /**
     * Writes the report to {@code file} atomically (a temporary file renamed over it), creating parent directories.
     * A file that exists and is not a regular file is refused.
     *
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    default void write(ReportData data, Path file) {
        AtomicFiles.write(file, out -> write(data, out));
    }
}
