package dev.loopguard.reports.format;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the writers, immutable: each {@code with...} returns a copy. {@link #defaults()} are what the command
 * line uses when no option is given.
 */
public final class FormatOptions {

    /** GitHub drops a job summary over 1 MiB whole; the default leaves room for other steps' summaries. */
    public static final long DEFAULT_MARKDOWN_BUDGET = 900 * 1024;
    /** GitHub code scanning accepts at most 25,000 results per run. */
    public static final int DEFAULT_SARIF_MAX_RESULTS = 25_000;
    /** GitHub code scanning accepts an upload of at most 10 MB gzipped. */
    public static final long DEFAULT_SARIF_MAX_GZIPPED_BYTES = 10L * 1000 * 1000;
    /** Maven's usual source folders, relative to the source root, searched in this order. */
    public static final List<String> DEFAULT_SOURCE_ROOTS = List.of("src/main/java", "src/test/java",
            "src/main/kotlin", "src/test/kotlin", "*/src/main/java", "*/src/test/java");

    private final long markdownBudget;
    private final String htmlReportName;
    private final Path sourceBase;
    private final List<String> sourceRoots;
    private final String docsBaseUri;
    private final String sarifCategory;
    private final int sarifMaxResults;
    private final long sarifMaxGzippedBytes;

    private FormatOptions(long markdownBudget, String htmlReportName, Path sourceBase, List<String> sourceRoots,
                          String docsBaseUri, String sarifCategory, int sarifMaxResults, long sarifMaxGzippedBytes) {
        this.markdownBudget = markdownBudget;
        this.htmlReportName = htmlReportName;
        this.sourceBase = sourceBase;
        this.sourceRoots = List.copyOf(sourceRoots);
        this.docsBaseUri = docsBaseUri;
        this.sarifCategory = sarifCategory;
        this.sarifMaxResults = sarifMaxResults;
        this.sarifMaxGzippedBytes = sarifMaxGzippedBytes;
    }

    public static FormatOptions defaults() {
        return new FormatOptions(DEFAULT_MARKDOWN_BUDGET, null, Path.of(""), DEFAULT_SOURCE_ROOTS,
                "https://loopguard.dev/docs/findings/", "loopguard/", DEFAULT_SARIF_MAX_RESULTS,
                DEFAULT_SARIF_MAX_GZIPPED_BYTES);
    }

    /** The most bytes (UTF-8) the Markdown summary may have, its closing note included. At least 4 KiB. */
    public FormatOptions withMarkdownBudget(long bytes) {
        if (bytes < 4096) {
            throw new IllegalArgumentException("Markdown budget must be at least 4096 bytes (4KiB), was " + bytes);
        }
        return new FormatOptions(bytes, htmlReportName, sourceBase, sourceRoots, docsBaseUri, sarifCategory,
                sarifMaxResults, sarifMaxGzippedBytes);
    }

    /** The name of the HTML report, which the Markdown summary points to for what it leaves out; null for none. */
    public FormatOptions withHtmlReportName(String name) {
        return new FormatOptions(markdownBudget, name, sourceBase, sourceRoots, docsBaseUri, sarifCategory,
                sarifMaxResults, sarifMaxGzippedBytes);
    }

    /**
     * Source folders, relative to the {@linkplain #withSourceBase source base} (SARIF's {@code %SRCROOT%}), in which
     * SARIF looks for each finding's source file; {@code *} stands for one directory level (a module).
     */
    public FormatOptions withSourceRoots(List<String> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("Source roots must not be empty; omit them for "
                    + DEFAULT_SOURCE_ROOTS);
        }
        return new FormatOptions(markdownBudget, htmlReportName, sourceBase, roots, docsBaseUri, sarifCategory,
                sarifMaxResults, sarifMaxGzippedBytes);
    }

    /** The directory SARIF paths are relative to ({@code %SRCROOT%}, the repository root); the working directory by default. */
    public FormatOptions withSourceBase(Path base) {
        return new FormatOptions(markdownBudget, htmlReportName, Objects.requireNonNull(base, "base"), sourceRoots,
                docsBaseUri, sarifCategory, sarifMaxResults, sarifMaxGzippedBytes);
    }

    /** Where the {@code <KIND>.md} finding pages are published; SARIF rules link to them. Ends with {@code /}. */
    public FormatOptions withDocsBaseUri(String uri) {
        if (!uri.endsWith("/") || !(uri.startsWith("https://") || uri.startsWith("http://"))) {
            throw new IllegalArgumentException("Docs base URI must be an http(s) URI ending in '/', was '" + uri + "'");
        }
        return new FormatOptions(markdownBudget, htmlReportName, sourceBase, sourceRoots, uri, sarifCategory,
                sarifMaxResults, sarifMaxGzippedBytes);
    }

    /** SARIF's {@code automationDetails.id}, which GitHub uses as the analysis category. */
    public FormatOptions withSarifCategory(String category) {
        if (category.isBlank()) {
            throw new IllegalArgumentException("SARIF category must not be blank");
        }
        return new FormatOptions(markdownBudget, htmlReportName, sourceBase, sourceRoots, docsBaseUri, category,
                sarifMaxResults, sarifMaxGzippedBytes);
    }

    /** The most results and gzipped bytes a SARIF file may hold; more are trimmed, the least important first. */
    public FormatOptions withSarifLimits(int maxResults, long maxGzippedBytes) {
        if (maxResults < 1 || maxGzippedBytes < 1024) {
            throw new IllegalArgumentException("SARIF limits must be at least 1 result and 1024 bytes, were "
                    + maxResults + " and " + maxGzippedBytes);
        }
        return new FormatOptions(markdownBudget, htmlReportName, sourceBase, sourceRoots, docsBaseUri, sarifCategory,
                maxResults, maxGzippedBytes);
    }

    public long markdownBudget() {
        return markdownBudget;
    }

    public String htmlReportName() {
        return htmlReportName;
    }

    public Path sourceBase() {
        return sourceBase;
    }

    public List<String> sourceRoots() {
        return sourceRoots;
    }

    public String docsBaseUri() {
        return docsBaseUri;
    }

    public String sarifCategory() {
        return sarifCategory;
    }

    public int sarifMaxResults() {
        return sarifMaxResults;
    }

    public long sarifMaxGzippedBytes() {
        return sarifMaxGzippedBytes;
    }
}
