package dev.loopguard.reports.format;

import java.util.Objects;

/** Creates the writer of each {@link ReportFormatType}. */
public final class ReportFormatFactory {

    private ReportFormatFactory() {
    }

    /** A writer of {@code type} with {@code options}. */
    public static ReportFormat create(ReportFormatType type, FormatOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        switch (type) {
            case HTML:
                return new HtmlFormat(options);
            case MARKDOWN:
                return new MarkdownFormat(options);
            case JUNIT_XML:
                return new JUnitXmlFormat(options);
            case SARIF:
                return new SarifFormat(options);
            default:
                throw new IllegalArgumentException("Unknown report format " + type);
        }
    }
}
