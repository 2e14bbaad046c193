package dev.loopguard.agent.internal;

/** Whether the JVM is running its shutdown hooks. */
public final class JvmShutdown {

    private JvmShutdown() {
    }

    public static boolean inProgress() {
        // Never started: an empty thread, not a lambda, which would spin a class at the JVM's exit.
        Thread probe = new Thread("loopguard-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true; // "Shutdown in progress": hooks can no longer be added
        }
    }
}
