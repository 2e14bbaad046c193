/**
 * The agent's start-up, options, runtime and recorder, blocking-call and stall detection, and the report, JSON,
 * JFR and console outputs. Internal, not API.
 *
 * <p>Code on the start-up path avoids records and lambdas or method references: each bootstraps
 * {@code java.lang.invoke} on first use, which costs tens of milliseconds of every JVM's start-up (docs/agent.md,
 * "Startup cost"). For the same reason the module compiles string concatenation to {@code StringBuilder} calls
 * ({@code -XDstringConcat=inline} in its POM) rather than {@code invokedynamic}. Keep it that way; measure with
 * {@code StartupCostRun} before changing it.
 */
package dev.loopguard.agent.internal;
