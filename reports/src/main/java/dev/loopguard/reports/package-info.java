/**
 * Reading findings reports (validated against the published schema) and JMH results, merging them by fingerprint
 * into {@link dev.loopguard.reports.ReportData}, with baselines of known findings.
 */
package dev.loopguard.reports;
