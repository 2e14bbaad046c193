/**
 * The launcher session listener that writes each test JVM's findings report. Internal, not API; registered through
 * {@code ServiceLoader}.
 */
package dev.loopguard.harness.internal;
