package dev.loopguard.agent.bootstrap;

/**
 * The entry point that hooks woven into controller classes (and core's {@code ControllerRunner}) calls. Injected
 * into the bootstrap class loader like every class of this package, so that a controller loaded by any class loader
 * reaches it; JDK types only; a handler failure never reaches the controller.
 */
public final class ControllerBridge {

    private static volatile Handler handler;

    private ControllerBridge() {
    }

    /** What the agent does with the calls; implemented outside the bootstrap class loader. */
    public interface Handler {
        void named(Object controller, String name);

        long enter(Object controller, String step);

        void exit(Object controller, String step, long token, Object returned, Throwable thrown);

        void healthRead(String name);

        /** A runner began to stop controller {@code name} ({@code null}: every controller it runs). */
        default void stopping(String name) {
        }
    }

    /** Installs the handler; {@code null} removes it. */
    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    /** A runner registered {@code controller} under {@code name}. */
    public static void named(Object controller, String name) {
        Handler h = handler;
        if (h != null) {
            try {
                h.named(controller, name);
            } catch (Throwable ignored) {
                // the handler reports its own failures; the controller must not see them
            }
        }
    }

    /** A step ({@code loop}, {@code loopAsync}, {@code start}…) begins; returns a token for {@link #exit}. */
    public static long enter(Object controller, String step) {
        Handler h = handler;
        if (h != null) {
            try {
                return h.enter(controller, step);
            } catch (Throwable ignored) {
                // see named
            }
        }
        return -1;
    }

    /** Someone asked a runner for the health or state of controller {@code name} ({@code null}: of all of them). */
    public static void healthRead(String name) {
        Handler h = handler;
        if (h != null) {
            try {
                h.healthRead(name);
            } catch (Throwable ignored) {
                // see named
            }
        }
    }

    /**
     * A runner began to stop controller {@code name} ({@code stop(name, bound)}), or every controller it runs
     * ({@code stopAll(bound)}, {@code name} null): the iteration it cancels is not a failure.
     */
    public static void stopping(String name) {
        Handler h = handler;
        if (h != null) {
            try {
                h.stopping(name);
            } catch (Throwable ignored) {
                // see named
            }
        }
    }

    /** The step returned {@code returned} (a stage for asynchronous steps) or threw {@code thrown}. */
    public static void exit(Object controller, String step, long token, Object returned, Throwable thrown) {
        Handler h = handler;
        if (h != null && token != -1) {
            try {
                h.exit(controller, step, token, returned, thrown);
            } catch (Throwable ignored) {
                // see named
            }
        }
    }

    /** A step returned {@code returned} (null for {@code void} steps). Called from woven code. */
    public static void onReturn(Object returned, Object controller, String step, long token) {
        exit(controller, step, token, returned, null);
    }

    /** A step threw {@code thrown}. Called from woven code. */
    public static void onThrow(Throwable thrown, Object controller, String step, long token) {
        exit(controller, step, token, null, thrown);
    }
}
