/**
 * Atomic file output and stack-frame parsing shared by the formats. Internal, not API.
 */
package dev.loopguard.reports.internal;
