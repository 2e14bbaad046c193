package dev.loopguard.agent.internal;

/** Whether the JVM is running its shutdown hooks. */
public final class JvmShutdown {

    private JvmShutdown() {
    }

    public static boolean inProgress() {
        Thread probe = new Thread(() -> { }, "loopguard-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true; // "Shutdown in progress": hooks can no longer be added
        }
    }
}
