package dev.loopguard.agent.internal;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Adds transformations to the agent's single {@link AgentBuilder}. Advice added here must only call static methods
 * of classes in {@code dev.loopguard.agent.bootstrap} and must not change the class format (no new members), so that
 * already-loaded JDK classes can be retransformed without JVM flags.
 */
public interface Instrumenter {
    AgentBuilder contribute(AgentBuilder builder, AgentRuntime runtime);
}
