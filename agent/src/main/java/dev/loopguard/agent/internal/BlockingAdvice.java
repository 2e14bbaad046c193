package dev.loopguard.agent.internal;

import dev.loopguard.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into JDK methods. Each one makes a single call into {@link Bridge}; the logic lives in the runtime.
 * The operation name is a constant of the advised method, used when no application frame is on the stack.
 */
final class BlockingAdvice {
    private BlockingAdvice() {
    }

    /** A blocking entry point that may throw in throw mode (nothing has happened yet when it runs). */
    static final class Plain {
        @Advice.OnMethodEnter
        static int enter(@Advice.Origin("#t.#m") String operation) {
            return Bridge.enter(operation, Bridge.PLAIN, null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.exit(token);
        }
    }

    /** {@code LockSupport.park*}: reached only when the thread really parks; reported, never thrown. */
    static final class Park {
        @Advice.OnMethodEnter
        static int enter(@Advice.Origin("#t.#m") String operation) {
            return Bridge.enter(operation, Bridge.PARK, null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.exit(token);
        }
    }

    /** A selectable channel operation; blocking only in blocking mode. */
    static final class Channel {
        @Advice.OnMethodEnter
        static int enter(@Advice.Origin("#t.#m") String operation, @Advice.This Object channel) {
            return Bridge.enter(operation, Bridge.CHANNEL, channel);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.exit(token);
        }
    }

    /** A name lookup; the host argument decides whether a lookup happens. */
    static final class HostLookup {
        @Advice.OnMethodEnter
        static int enter(@Advice.Origin("#t.#m") String operation, @Advice.Argument(0) String host) {
            return Bridge.enter(operation, Bridge.HOST_LOOKUP, host);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.exit(token);
        }
    }

    /** A {@code FileOutputStream} write; stdout and stderr are skipped. */
    static final class FileOutput {
        @Advice.OnMethodEnter
        static int enter(@Advice.Origin("#t.#m") String operation, @Advice.This Object stream) {
            return Bridge.enter(operation, Bridge.FILE_OUTPUT, stream);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.exit(token);
        }
    }

    /** The loop's idle wait: not a blocking call, and the end of the current task for the stall watchdog. */
    static final class Idle {
        @Advice.OnMethodEnter
        static Object enter() {
            return Bridge.idleEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object token) {
            Bridge.idleExit(token);
        }
    }

    /** Class loading: reads jars and takes locks, but is never the application's blocking call. */
    static final class Exempt {
        @Advice.OnMethodEnter
        static int enter() {
            return Bridge.exemptEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.exemptExit(token);
        }
    }

    /** A framework event loop's run method: the running thread is an event loop while inside it. */
    static final class LoopRun {
        @Advice.OnMethodEnter
        static int enter(@Advice.This Object loop) {
            return Bridge.loopThreadEnter(loop);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Enter int token) {
            Bridge.loopThreadExit(token);
        }
    }
}
