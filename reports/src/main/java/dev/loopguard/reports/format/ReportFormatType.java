package dev.loopguard.reports.format;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The formats a report can be written in. */
public enum ReportFormatType {
    /** One self-contained page for people: no scripts, fonts or styles from elsewhere; printable. */
    HTML("html"),
    /** A CI job summary or pull-request comment, within a size budget. */
    MARKDOWN("md"),
    /** JUnit XML as Maven Surefire writes it: each finding site a failed test case. */
    JUNIT_XML("junit"),
    /** SARIF 2.1.0 for code scanning, within GitHub's limits. */
    SARIF("sarif");

    private final String id;

    ReportFormatType(String id) {
        this.id = id;
    }

    /** The short name used on the command line: {@code html}, {@code md}, {@code junit}, {@code sarif}. */
    public String id() {
        return id;
    }

    /**
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ReportFormatType fromId(String id) {
        for (ReportFormatType type : values()) {
            if (type.id.equals(id.toLowerCase(Locale.ROOT)) || type.name().equalsIgnoreCase(id)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown report format '" + id + "'; expected one of "
                + Arrays.stream(values()).map(ReportFormatType::id).collect(Collectors.joining(", ")));
    }
}
