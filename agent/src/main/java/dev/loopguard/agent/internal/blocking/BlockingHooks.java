package dev.loopguard.agent.internal.blocking;

import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.nullValue;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.operation;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.self;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.token;

import dev.loopguard.agent.bootstrap.Bridge;
import dev.loopguard.agent.internal.weaving.BridgeCall;
import dev.loopguard.agent.internal.weaving.Hook;
import dev.loopguard.agent.internal.weaving.MethodFilter;

/**
 * The hooks woven into JDK and framework methods for blocking calls, idle waits and loop threads. Each makes a single
 * call into {@link Bridge} on entry and one on every exit (a {@code finally}); the logic lives in the runtime. The
 * operation name is a constant of the hooked method ({@code java.lang.Thread.sleep}), used when no application frame
 * is on the stack.
 */
public final class BlockingHooks {
    private static final BridgeCall EXIT = BridgeCall.to(Bridge.class, "exit", token());

    private BlockingHooks() {
    }

    /** A blocking entry point that may throw in throw mode (nothing has happened yet when it runs). */
    static Hook plain(MethodFilter methods) {
        return blocking(methods, Bridge.PLAIN, nullValue());
    }

    /** {@code LockSupport.park*}: reached only when the thread really parks; reported, never thrown. */
    static Hook park(MethodFilter methods) {
        return blocking(methods, Bridge.PARK, nullValue());
    }

    /** A selectable channel operation; blocking only in blocking mode. */
    static Hook channel(MethodFilter methods) {
        return blocking(methods, Bridge.CHANNEL, self());
    }

    /** A name lookup; the host argument decides whether a lookup happens. */
    static Hook hostLookup(MethodFilter methods) {
        return blocking(methods, Bridge.HOST_LOOKUP, BridgeCall.Arg.argument(0));
    }

    /** A {@code FileOutputStream} write; stdout and stderr are skipped. */
    static Hook fileOutput(MethodFilter methods) {
        return blocking(methods, Bridge.FILE_OUTPUT, self());
    }

    /**
     * A {@code FileInputStream} open or read, with the stream's own {@code path} field (set before {@code open}):
     * deciding by the path costs a field read, where telling a random-number read apart by its callers would cost a
     * stack walk per read.
     */
    static Hook fileInput(MethodFilter methods) {
        return blocking(methods, Bridge.FILE_INPUT, BridgeCall.Arg.field("path"));
    }

    /** {@code FileInputStream.open}, with the stream's path (see {@link #fileInput}). */
    static Hook fileOpen(MethodFilter methods) {
        return blocking(methods, Bridge.FILE_OPEN, BridgeCall.Arg.field("path"));
    }

    /** The loop's idle wait: not a blocking call, and the end of the current task for the stall watchdog. */
    public static Hook idle(MethodFilter methods) {
        return Hook.on(methods).enter(BridgeCall.to(Bridge.class, "idleEnter"))
                .onExit(BridgeCall.to(Bridge.class, "idleExit", token()));
    }

    /**
     * A framework loop's per-task method: the start of one task, which the stall watchdog asks to hear of when it sees
     * a loop busy (see {@link Bridge#taskStart()}).
     */
    public static Hook taskStart(MethodFilter methods) {
        return Hook.on(methods).enter(BridgeCall.to(Bridge.class, "taskStart"));
    }

    /** A pool worker's run: busy from its start (its first task), idle again when it ends. */
    public static Hook worker(MethodFilter methods) {
        return Hook.on(methods).enter(BridgeCall.to(Bridge.class, "workerEnter"))
                .onExit(BridgeCall.to(Bridge.class, "workerExit", token()));
    }

    /** Class loading: reads jars and takes locks, but is never the application's blocking call. */
    static Hook exempt(MethodFilter methods) {
        return Hook.on(methods).enter(BridgeCall.to(Bridge.class, "exemptEnter"))
                .onExit(BridgeCall.to(Bridge.class, "exemptExit", token()));
    }

    /**
     * {@code Runtime.halt}: the JVM dies without shutdown hooks, and JFR started at that moment prints its own error
     * on the user's console; the agent lets a JFR start in progress finish first.
     */
    static Hook halt(MethodFilter methods) {
        return Hook.on(methods).enter(BridgeCall.to(Bridge.class, "halting"));
    }

    /** A framework event loop's run method: the running thread is an event loop while inside it. */
    public static Hook loopRun(MethodFilter methods) {
        return Hook.on(methods).enter(BridgeCall.to(Bridge.class, "loopThreadEnter", self()))
                .onExit(BridgeCall.to(Bridge.class, "loopThreadExit", token()));
    }

    /** A blocking method; its call sites in application classes are marked ({@link KnownCallSites}). */
    private static Hook blocking(MethodFilter methods, int kind, BridgeCall.Arg subject) {
        return Hook.on(methods)
                .enter(BridgeCall.to(Bridge.class, "enter", operation(), BridgeCall.Arg.constant(kind), subject))
                .onExit(EXIT)
                .watchedAtCallSites();
    }
}
