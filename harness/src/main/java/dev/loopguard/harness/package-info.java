/**
 * JUnit 5 extensions: {@link dev.loopguard.harness.Loopguard} (agent findings as test failures, charged to the test
 * that caused them) and {@link dev.loopguard.harness.VirtualTime}, with their annotations and parameters.
 */
package dev.loopguard.harness;
