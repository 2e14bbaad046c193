package dev.loopguard.agent.bootstrap;

/**
 * The entry point that hooks woven into core's {@code EventLoop} calls to follow one-shot tasks from submission
 * to start, so that tasks still waiting when the JVM exits can be reported with the site that submitted them.
 *
 * <p>Injected into the bootstrap class loader like every class of this package; JDK types only; a handler failure
 * never reaches the loop or its caller.
 *
 * <p>{@link #tracked} is the fast-path switch that the hook on the loop's per-task method reads before calling in:
 * while no submitted task is being followed, running a task costs one field read. Queuing a task is decided here
 * for the task classes the agent has {@linkplain #sampleInWindows sampled out}, while the sampling window is closed;
 * every other task goes to the handler out of line ({@link OutOfLine}). The decision lives here rather than behind the handler because the hook is
 * inlined into every {@code execute} on the loop, and through it into {@code CompletableFuture}'s asynchronous
 * stages: the handler's side, inlined there, made those methods too big for the JIT to inline in turn.
 */
public final class LoopTaskBridge {

    /** Non-zero while any submitted task is followed and has not started yet (set on the change only). */
    public static volatile int tracked;

    private static volatile Handler handler;

    /**
     * What {@link #queued} reads: at {@code tasks=sampled}, the task classes past their first tasks, whose tasks are
     * followed only while the sampling window is open; null while the window is open, and at other levels. Their
     * {@linkplain #classKey keys} (zero marks an empty slot), open-addressed, with a power-of-two length and at least
     * one empty slot, never changed once published. Keys rather than the classes, so that the agent pins no class and
     * no class loader.
     */
    private static volatile int[] sampledOut;

    /** The agent's table, published in {@link #sampledOut} while the window is closed; guarded by the class. */
    private static int[] sampledOutTable;

    /** Whether the sampling window is open; guarded by the class. */
    private static boolean windowOpen;

    /**
     * The task class last found in {@link #sampledOut}, or null: what the hooks compare a task's class with before
     * anything else, so that a loop running one task class over and over (a self-resubmitting task, a pipeline
     * stage) decides each task with one comparison and no call, and the code inlined into the loop's
     * {@code execute} stays as small as that comparison. The probe of the table, which hashes the class's name,
     * runs out of line only on a miss. Cleared whenever the window opens or the table changes, so it never outlives
     * the table it was found in, and it holds a class (and its loader) for at most one sampling period.
     */
    private static volatile Class<?> lastSampledOut;

    private LoopTaskBridge() {
    }

    /** What the agent does with the calls; implemented outside the bootstrap class loader. */
    public interface Handler {
        /**
         * {@code timed}: a schedule request, which the loop starts by deadline rather than in queue order. Called for
         * every task queued except those of a sampled-out class while the window is closed; the handler samples.
         */
        void queued(Object loop, Object task, boolean timed);

        void refused(Object loop, Object task);

        void scheduledOnLoop(Object loop, Object loopThread, Object scheduled);

        void started(Object loop, Object queuedTask);

        void terminated(Object loop);

        /**
         * A task starts on the calling thread's loop, which the hook cannot name (Netty's static
         * {@code AbstractEventExecutor.runTask}): the handler finds the loop that was handed the task.
         */
        default void startedOnItsLoop(Object task) {
        }
    }

    /** Installs the handler; {@code null} removes it. */
    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    /**
     * {@code loop} is about to queue {@code task} (what the caller submitted, or the loop's own wrapper of it). Called
     * before the task is visible to the loop thread, so that the loop cannot start the task before it is followed.
     */
    public static void queued(Object loop, Object task, boolean timed) {
        if (task != null && task.getClass() != lastSampledOut) {
            queuedUnlessSampledOut(loop, task, timed);
        }
    }

    @OutOfLine
    private static void queuedUnlessSampledOut(Object loop, Object task, boolean timed) {
        if (!isSampledOut(task.getClass())) {
            follow(loop, task, timed);
        }
    }

    /**
     * Publishes the sampled-out task classes (see {@link #sampledOut}); the agent publishes a new table each time it
     * grows. {@code null} turns the shortcut off: every task is handed to the handler.
     */
    public static synchronized void sampleInWindows(int[] classHashes) {
        if (classHashes != null && (classHashes.length == 0 || Integer.bitCount(classHashes.length) != 1)) {
            throw new IllegalArgumentException("the sampled-out classes must be a table of a power-of-two length, "
                    + "was " + classHashes.length);
        }
        sampledOutTable = classHashes;
        sampledOut = windowOpen ? null : classHashes;
        lastSampledOut = null;
    }

    /** The agent's sampling window opened or closed: while it is open, every task goes to the handler. */
    public static synchronized void windowChanged(boolean open) {
        windowOpen = open;
        sampledOut = open ? null : sampledOutTable;
        lastSampledOut = null;
    }

    /**
     * The key of a task class in {@link #sampledOut}: the hash of its name, which the class and its name string both
     * cache, so the probe costs a few field reads per task. Not the identity hash: {@code System.identityHashCode} of
     * a {@code Class} is a call into the JVM of about 5 ns, which was most of what the default level added to a task
     * hop on a Netty loop. Two classes with one key (one chance in four billion per pair of names, or one name in two
     * class loaders) share a mark: the second is sampled from its first task on, rather than followed until it is
     * past its first tasks.
     */
    public static int classKey(Class<?> type) {
        return type.getName().hashCode();
    }

    /**
     * A linear probe of {@link #sampledOut}, which ends at an empty slot; false while there is no table (no sampling,
     * or the window is open).
     */
    private static boolean isSampledOut(Class<?> type) {
        int[] set = sampledOut;
        if (set == null) {
            return false;
        }
        int hash = classKey(type);
        int mask = set.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int known = set[i];
            if (known == 0) {
                return false;
            }
            if (known == hash) {
                remember(type, set);
                return true;
            }
        }
    }

    /**
     * Makes {@code type} the {@link #lastSampledOut} hint, found in {@code set}; withdrawn at once when the window
     * opened or the table changed meanwhile (both clear the hint after they publish, so one of the two sides sees
     * the other).
     */
    private static void remember(Class<?> type, int[] set) {
        lastSampledOut = type;
        if (sampledOut != set) {
            lastSampledOut = null;
        }
    }

    /** Kept out of the loop's compiled code: following a task is the rare path at {@code tasks=sampled}. */
    @OutOfLine
    private static void follow(Object loop, Object task, boolean timed) {
        Handler h = handler;
        if (h != null) {
            try {
                h.queued(loop, task, timed);
            } catch (Throwable ignored) {
                // the handler reports its own failures; the loop and its caller must not see them
            }
        }
    }

    /**
     * Netty's {@code SingleThreadEventExecutor.execute(Runnable, boolean)}, behind {@code execute} and
     * {@code lazyExecute}: a task queued on a Netty (or Vert.x) loop. A scheduled task passes here only to reach its
     * loop's schedule queue; its schedule call follows it instead ({@link #onNettySchedule}).
     *
     * <p>The sampled-out check comes first (the {@link #lastSampledOut} hint inline, the probe out of line) and the
     * {@code ScheduledFuture} test only after it: testing a task against
     * an interface its class does not implement makes the JIT scan the class's list of interfaces on JDK 17 to 22
     * (JDK 23 and later look it up in a hash table), and that scan, paid per task, was most of what the default
     * level took from a task hop on a Netty loop. A scheduled task is left alone either way: by the probe once its
     * class is sampled out, by the test before.
     */
    public static void onNettyExecute(Object loop, Object task) {
        if (task != null && task.getClass() != lastSampledOut) {
            nettyExecuteUnlessSampledOut(loop, task);
        }
    }

    @OutOfLine
    private static void nettyExecuteUnlessSampledOut(Object loop, Object task) {
        if (!isSampledOut(task.getClass()) && !(task instanceof java.util.concurrent.ScheduledFuture)) {
            follow(loop, task, false);
        }
    }

    /** Netty's {@code AbstractScheduledEventExecutor.schedule(ScheduledFutureTask)} returned the scheduled task. */
    public static void onNettySchedule(Object scheduled, Object loop) {
        if (scheduled != null) {
            queued(loop, scheduled, true);
        }
    }

    /**
     * Netty's {@code AbstractEventExecutor.runTask(Runnable)}: every task a Netty loop runs. Only the count is read
     * here: the rest runs out of line, so that what is inlined into Netty's task loop stays one read and a call the
     * loop takes only while tasks are followed. The {@code instanceof} against an interface and the call of
     * {@code getDelay} are on that path too: inlined here, the JIT would compile them into the loop once a sampling
     * window had followed a task and the branch had been taken.
     */
    public static void onNettyRunTask(Object task) {
        if (tracked > 0) {
            startedOnItsLoop(task);
        }
    }

    /**
     * A scheduled task that is not due yet is only being moved to its loop's schedule queue (it was scheduled from
     * another thread): not a start.
     */
    @OutOfLine
    private static void startedOnItsLoop(Object task) {
        Handler h = handler;
        if (h != null && task != null) {
            try {
                if (!(task instanceof java.util.concurrent.Delayed && ((java.util.concurrent.Delayed) task)
                        .getDelay(java.util.concurrent.TimeUnit.NANOSECONDS) > 0)) {
                    h.startedOnItsLoop(task);
                }
            } catch (Throwable ignored) {
                // see follow; a task's own getDelay that throws is not the agent's to pass on either
            }
        }
    }

    /** The loop refused {@code task} (it was shut down): the caller got an exception, nothing was queued. */
    public static void refused(Object loop, Object task) {
        Handler h = handler;
        if (h != null && task != null) {
            try {
                h.refused(loop, task);
            } catch (Throwable ignored) {
                // see queued
            }
        }
    }

    /**
     * {@code loop} created the schedule {@code scheduled}; when the caller is the loop's own thread
     * ({@code loopThread}) it went straight to the loop's timer queue rather than through {@link #queued}.
     */
    public static void scheduledOnLoop(Object loop, Object loopThread, Object scheduled) {
        Handler h = handler;
        if (h != null && scheduled != null && loopThread == Thread.currentThread()) {
            try {
                h.scheduledOnLoop(loop, loopThread, scheduled);
            } catch (Throwable ignored) {
                // see queued
            }
        }
    }

    /** The thread of {@code loop} is about to run {@code queuedTask} (the loop's own wrapper of a queued task). */
    @OutOfLine
    public static void started(Object loop, Object queuedTask) {
        Handler h = handler;
        if (h != null) {
            try {
                h.started(loop, queuedTask);
            } catch (Throwable ignored) {
                // see queued
            }
        }
    }

    /** {@code loop} terminated: what it had not run went to its close policy, which other rules judge. */
    public static void terminated(Object loop) {
        Handler h = handler;
        if (h != null) {
            try {
                h.terminated(loop);
            } catch (Throwable ignored) {
                // see queued
            }
        }
    }

    /** core {@code EventLoop.runTask(queued)}: one field read while nothing is followed. Called from woven code. */
    public static void onRunTask(Object loop, Object queuedTask) {
        if (tracked > 0) {
            started(loop, queuedTask);
        }
    }

    /** core {@code EventLoop.scheduleTask(...)} returned {@code scheduled}. Called from woven code. */
    public static void onScheduled(Object scheduled, Object loop, Object loopThread) {
        scheduledOnLoop(loop, loopThread, scheduled);
    }
}
