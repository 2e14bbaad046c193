/**
 * One writer per output format (HTML, Markdown, JUnit XML, SARIF) behind
 * {@link dev.loopguard.reports.format.ReportFormat}; the writers themselves are package-private.
 */
package dev.loopguard.reports.format;
