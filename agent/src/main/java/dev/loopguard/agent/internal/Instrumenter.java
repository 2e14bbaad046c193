package dev.loopguard.agent.internal;

import dev.loopguard.agent.internal.weaving.Transformations;

/**
 * Adds what one detector needs instrumented to the agent's {@link Transformations}. Hooks added here only call static
 * methods of classes in {@code dev.loopguard.agent.bootstrap} and never change the class format (no new members), so
 * that already-loaded JDK classes can be retransformed without JVM flags.
 */
public interface Instrumenter {
    void contribute(Transformations transformations, AgentRuntime runtime);
}
