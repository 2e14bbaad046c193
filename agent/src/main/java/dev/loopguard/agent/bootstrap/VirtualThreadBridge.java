package dev.loopguard.agent.bootstrap;

/**
 * The entry point that the hook woven into {@code java.lang.VirtualThread.start} calls, so that the agent starts its
 * pinned-thread monitor (a JFR stream, about half a second of CPU) only in a JVM that runs virtual threads. Injected
 * into the bootstrap class loader like every class of this package; JDK types only; a handler failure never reaches
 * the application.
 */
public final class VirtualThreadBridge {

    /** True once the handler is satisfied (the monitor runs, or could not start); the hook reads it first. */
    public static volatile boolean watching;

    private static volatile Handler handler;

    private VirtualThreadBridge() {
    }

    /** What the agent does when a virtual thread is about to start for the first time. */
    public interface Handler {
        /** May wait, bounded, until the monitor is listening; then sets {@link #watching}. */
        void firstVirtualThread();
    }

    /** Installs the handler; {@code null} removes it. */
    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    /** A virtual thread is about to start while the handler is not yet satisfied. */
    public static void starting() {
        Handler h = handler;
        if (h == null) {
            return;
        }
        try {
            h.firstVirtualThread();
        } catch (Throwable ignored) {
            // the handler reports its own failures; the application must not see them
        }
    }

    /** {@code VirtualThread.start}: one field read once the handler is satisfied. Called from woven code. */
    public static void onStart() {
        if (!watching) {
            starting();
        }
    }
}
