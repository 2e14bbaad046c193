package dev.loopguard.agent.internal;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.nio.file.Path;

/** Self-attach for {@code LoopguardAgent.install()}, with the relocated Byte Buddy attach support. */
public final class InProcess {
    private InProcess() {
    }

    /** Attaches loopguard-agent.jar (the jar these classes came from) to this JVM. */
    public static void selfAttach() {
        // Validate here so a malformed loopguard.* property is the caller's IllegalArgumentException, not an attach
        // failure reported from inside the attach machinery.
        try {
            AgentEntry.checkReport(AgentOptions.parse(null, System.getProperties()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loopguard: " + e.getMessage(), e);
        }
        Path jar = BootstrapInjector.agentJar();
        try {
            ByteBuddyAgent.attach(jar.toFile(), ByteBuddyAgent.ProcessProvider.ForCurrentVm.INSTANCE);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("Loopguard could not attach to this JVM (" + e.getMessage() + "); run on a"
                    + " JDK (not a JRE) or start the JVM with -javaagent:" + jar, e);
        }
        if (AgentRuntime.current() == null) {
            throw new IllegalStateException("Loopguard attached " + jar + " but the agent did not start; see stderr");
        }
    }
}
