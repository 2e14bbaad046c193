/**
 * The command line, {@code java -jar loopguard-reports.jar}: arguments, exit statuses, writing every output.
 */
package dev.loopguard.reports.cli;
