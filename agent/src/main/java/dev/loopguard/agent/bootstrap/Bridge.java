package dev.loopguard.agent.bootstrap;

/**
 * The only entry from instrumented code into the agent's blocking-call, idle and loop-thread tracking.
 *
 * <p>This class is injected into the bootstrap class loader so that hooks woven into JDK classes can call it.
 * Every method is static, uses only JDK types, does nothing until the agent installs its {@link Sink}, and never lets
 * an agent failure reach the application: the one exception that may escape is the deliberate
 * {@code BlockingCallException} of {@code mode=throw}, which the sink marks as such.
 */
public final class Bridge {

    /** A blocking call that may throw in {@code mode=throw}: the hook runs at the public entry, before any state. */
    public static final int PLAIN = 0;
    /** {@code LockSupport.park*}: reported only, never thrown (it runs inside AQS queue manipulation). */
    public static final int PARK = 1;
    /** A selectable channel operation: blocking only when the channel (the subject) is in blocking mode. */
    public static final int CHANNEL = 2;
    /** A host name lookup: blocking only when the subject (the host string) is not a literal address. */
    public static final int HOST_LOOKUP = 3;
    /** A {@code FileOutputStream} write: the process's own stdout and stderr (the subject's descriptor) are skipped. */
    public static final int FILE_OUTPUT = 4;
    /**
     * A {@code FileInputStream} open or read: the subject is the stream's path, and {@code /dev/urandom}, which never
     * blocks, is skipped.
     */
    public static final int FILE_INPUT = 5;
    /** A {@code FileInputStream} open: the subject is the path; opening either random device never waits. */
    public static final int FILE_OPEN = 6;

    /** Receives the bridge's calls; implemented by the agent runtime in the application class loader. */
    public interface Sink {
        int enterBlocking(String operation, int flags, Object subject);

        void exitBlocking(int token);

        /**
         * Returns what {@link #exitIdle(Object)} needs (the thread's state), or null when the thread is not an event
         * loop: handing it back saves the exit a thread-local look-up on a path every loop task takes.
         */
        Object enterIdle();

        void exitIdle(Object token);

        /**
         * A pool worker starts running tasks: it is busy from here (its first task comes before any idle wait)
         * until its idle wait. Returns what {@link #exitWorker(Object)} needs, or null when the thread is no loop.
         */
        Object enterWorker();

        void exitWorker(Object token);

        int enterExempt();

        void exitExempt(int token);

        int enterLoopThread(Object loop);

        void exitLoopThread(int token);

        /**
         * The application calls {@code Runtime.halt}: the JVM dies without running shutdown hooks, so the agent must
         * finish, here, whatever may not be cut off by the JVM's death (a JFR start in progress).
         */
        void halting();

        /** A call to a watched method at an armed call site is about to be made; see {@link Bridge#knownSite}. */
        void knownSite(Object receiver, int site);

        /** A framework loop starts one task, and the stall watchdog asked to hear of it ({@link #taskStart()}). */
        void startedTask();

        /** Whether {@code e} is the deliberate exception of throw mode, to be rethrown into the application. */
        boolean isDeliberate(Throwable e);

        /** An unexpected failure inside the sink; must not throw. */
        void failed(String where, Throwable e);
    }

    private static volatile Sink sink;

    /**
     * How many loop threads the stall watchdog is waiting to see start their next task: zero almost always, so the
     * hook on a framework loop's per-task method costs one field read. The watchdog raises it for a loop it sees busy
     * at a tick, because a busy loop may be one task holding it (a stall) or many short tasks run without an idle wait
     * in between (Netty drains its queue for up to a second); the next task start, which lowers it again, tells them
     * apart.
     */
    public static final java.util.concurrent.atomic.AtomicInteger TASK_START_WATCHES =
            new java.util.concurrent.atomic.AtomicInteger();

    private Bridge() {
    }

    /** Installs the agent's sink; called once by the agent after its classes are loaded. */
    public static void install(Sink newSink) {
        sink = newSink;
    }

    /** Called on entry of a potentially blocking method; the result goes back to {@link #exit(int)}. */
    public static int enter(String operation, int flags, Object subject) {
        Sink s = sink;
        if (s == null) {
            return 0;
        }
        try {
            return s.enterBlocking(operation, flags, subject);
        } catch (Throwable e) {
            if (deliberate(s, e)) {
                throw (RuntimeException) e;
            }
            fail(s, "blocking-enter", e);
            return 0;
        }
    }

    /** Called at a call site in application code right before a native blocking method is invoked. */
    public static void callSite(String operation) {
        Sink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.exitBlocking(s.enterBlocking(operation, PLAIN, null));
        } catch (Throwable e) {
            if (deliberate(s, e)) {
                throw (RuntimeException) e;
            }
            fail(s, "call-site", e);
        }
    }

    public static void exit(int token) {
        Sink s = sink;
        if (s == null || token == 0) {
            return;
        }
        try {
            s.exitBlocking(token);
        } catch (Throwable e) {
            fail(s, "blocking-exit", e);
        }
    }

    /**
     * One byte per call-site id of {@link #knownSite}: non-zero once the agent armed the site (its first occurrence was
     * a finding), zero for every other site. The agent gives ids to sites as their classes load, so that a loop already
     * running the site's code is counted at its next iteration; an unarmed site costs this one array read.
     */
    public static final byte[] ARMED_SITES = new byte[1 << 16];

    /**
     * Called in application code right before a call instruction that may land in a watched blocking method:
     * {@code receiver} is the call's receiver (null for a static method), {@code site} the site's id (below
     * {@code ARMED_SITES.length}). Nothing happens unless the site was armed; then the hook of the called method learns
     * its site without capturing the stack. No branch is woven into the application's code: this method is small
     * enough for the JIT to inline, leaving one array read at the call site.
     */
    public static void knownSite(Object receiver, int site) {
        if (ARMED_SITES[site] != 0) {
            armedSite(receiver, site);
        }
    }

    @OutOfLine
    private static void armedSite(Object receiver, int site) {
        Sink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.knownSite(receiver, site);
        } catch (Throwable e) {
            fail(s, "known-site", e);
        }
    }

    /** Called on entry of {@code Runtime.halt}, before the JVM dies without running shutdown hooks. */
    public static void halting() {
        Sink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.halting();
        } catch (Throwable e) {
            fail(s, "halt", e);
        }
    }

    /** Called when an event-loop thread starts waiting for work (its idle wait). */
    public static Object idleEnter() {
        Sink s = sink;
        if (s == null) {
            return null;
        }
        try {
            return s.enterIdle();
        } catch (Throwable e) {
            fail(s, "idle-enter", e);
            return null;
        }
    }

    public static void idleExit(Object token) {
        Sink s = sink;
        if (s == null || token == null) {
            return;
        }
        try {
            s.exitIdle(token);
        } catch (Throwable e) {
            fail(s, "idle-exit", e);
        }
    }

    /** Called when a pool worker starts running tasks (its first task runs before it ever waits for work). */
    public static Object workerEnter() {
        Sink s = sink;
        if (s == null) {
            return null;
        }
        try {
            return s.enterWorker();
        } catch (Throwable e) {
            fail(s, "worker-enter", e);
            return null;
        }
    }

    public static void workerExit(Object token) {
        Sink s = sink;
        if (s == null || token == null) {
            return;
        }
        try {
            s.exitWorker(token);
        } catch (Throwable e) {
            fail(s, "worker-exit", e);
        }
    }

    /** Called on entry of work that is never a blocking-call finding (class loading). */
    public static int exemptEnter() {
        Sink s = sink;
        if (s == null) {
            return 0;
        }
        try {
            return s.enterExempt();
        } catch (Throwable e) {
            fail(s, "exempt-enter", e);
            return 0;
        }
    }

    public static void exemptExit(int token) {
        Sink s = sink;
        if (s == null || token == 0) {
            return;
        }
        try {
            s.exitExempt(token);
        } catch (Throwable e) {
            fail(s, "exempt-exit", e);
        }
    }

    /** Called when a framework event loop's run method starts on its thread; marks the thread as an event loop. */
    public static int loopThreadEnter(Object loop) {
        Sink s = sink;
        if (s == null) {
            return 0;
        }
        try {
            return s.enterLoopThread(loop);
        } catch (Throwable e) {
            fail(s, "loop-enter", e);
            return 0;
        }
    }

    public static void loopThreadExit(int token) {
        Sink s = sink;
        if (s == null || token == 0) {
            return;
        }
        try {
            s.exitLoopThread(token);
        } catch (Throwable e) {
            fail(s, "loop-exit", e);
        }
    }

    /**
     * Called as a framework event loop starts one task (Netty's {@code AbstractEventExecutor.runTask}): one field read
     * unless the stall watchdog waits for a task start.
     */
    public static void taskStart() {
        if (TASK_START_WATCHES.get() != 0) {
            startedTask();
        }
    }

    /** Kept out of the loop's compiled code: asked for at most once per watchdog tick and busy loop. */
    @OutOfLine
    private static void startedTask() {
        Sink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.startedTask();
        } catch (Throwable e) {
            fail(s, "task-start", e);
        }
    }

    private static boolean deliberate(Sink s, Throwable e) {
        try {
            return e instanceof RuntimeException && s.isDeliberate(e);
        } catch (Throwable ignored) {
            return false;
        }
    }

    private static void fail(Sink s, String where, Throwable e) {
        try {
            s.failed(where, e);
        } catch (Throwable ignored) {
            // The sink is broken beyond reporting; staying silent is the only way not to hurt the application.
        }
    }
}
