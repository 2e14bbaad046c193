package dev.loopguard.agent.internal.loops;

import dev.loopguard.agent.bootstrap.Bridge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Everything the agent tracks for one thread, held in one {@link ThreadLocal} so that the check on a thread that is
 * not an event loop is one lookup and one field read. Fields written by the owning thread; the watchdog only reads
 * the volatile ones.
 */
public final class ThreadState {
    public final Thread thread;
    /** Event loop by class (core, Reactor) or by name pattern. */
    final boolean loopByClassOrName;
    /** Nesting of framework event-loop run methods (Netty) on this thread. */
    int loopRuns;
    /** Nesting of instrumented blocking methods; only the outermost one is a finding. */
    int blockingDepth;
    /** Nesting of the loop's idle wait. */
    int idleDepth;
    /** Nesting of class loading. */
    int exemptDepth;
    /** Set while the agent itself works on this thread, so its own JDK calls are never findings. */
    public boolean inAgent;
    /**
     * The current busy period (the loop left its idle wait) as a sequence number, 0 while idle or before the first
     * wait. A number, not a time: reading the clock twice per task cost about 40% of a short task's time on a loop;
     * the stall watchdog times busy periods itself, from when it first sees one. Written with release semantics, read
     * with acquire ({@link #busyPeriod()}): a volatile store is a full fence on x86, paid twice per task on a loop
     * whose every task passes through its idle wait, and the watchdog only needs to see the value eventually (it looks
     * once per tick) and in order.
     */
    private long busySince;
    /** Busy periods started so far; written by the owning thread only. */
    long busyPeriods;
    /**
     * The id of the known call site whose call is being made ({@link KnownCallSites}): set right before the call,
     * taken (and cleared) by the very next blocking hook on this thread, which is that call's own; 0 when none.
     */
    int knownSite;
    /**
     * 1 while the stall watchdog waits to hear of the next task this loop starts ({@link #watchForTaskStart()}), else
     * 0; changed by compare-and-set only, so that exactly one side withdraws each watch from
     * {@link Bridge#TASK_START_WATCHES}.
     */
    private volatile int taskStartWatched;
    /**
     * When the task start the watchdog waited for came ({@link System#nanoTime()}); written before the busy period it
     * begins is published, so the watchdog sees it once it sees the new period.
     */
    long taskStartNanos;
    /** Loop name, when known (core's EventLoop#name()). */
    public String loopName;
    boolean registered;

    ThreadState(Thread thread, boolean loopByClassOrName) {
        this.thread = thread;
        this.loopByClassOrName = loopByClassOrName;
    }

    /** The current busy period, for the watchdog thread. */
    long busyPeriod() {
        return (long) BUSY_SINCE.getAcquire(this);
    }

    /** The loop thread entered its idle wait. */
    void becameIdle() {
        if (busySince != 0) {
            BUSY_SINCE.setRelease(this, 0L);
        }
    }

    /** The loop thread left its idle wait: a new busy period starts. */
    void becameBusy() {
        BUSY_SINCE.setRelease(this, ++busyPeriods);
    }

    /**
     * The watchdog asks to hear of this loop's next task start: from then on, until one comes or the watch is
     * withdrawn, the per-task hook of every framework loop takes its slow path. Returns false when a watch was
     * already set.
     */
    boolean watchForTaskStart() {
        if (!TASK_START_WATCHED.compareAndSet(this, 0, 1)) {
            return false;
        }
        Bridge.TASK_START_WATCHES.incrementAndGet();
        return true;
    }

    /** Withdraws a watch set by {@link #watchForTaskStart()}; true when this call withdrew it. */
    boolean endTaskStartWatch() {
        if (!TASK_START_WATCHED.compareAndSet(this, 1, 0)) {
            return false;
        }
        Bridge.TASK_START_WATCHES.decrementAndGet();
        return true;
    }

    /**
     * On the loop thread, as it starts a task: when the watchdog was waiting for this, the task ends the busy period
     * the watchdog was watching and starts a new one, so that a busy period is one task from here on and a run of
     * short tasks never adds up to one stall.
     */
    void startedTask() {
        if (taskStartWatched != 0 && idleDepth == 0 && endTaskStartWatch()) {
            taskStartNanos = System.nanoTime();
            becameBusy();
        }
    }

    private static final VarHandle BUSY_SINCE;
    private static final VarHandle TASK_START_WATCHED;

    static {
        try {
            BUSY_SINCE = MethodHandles.lookup().findVarHandle(ThreadState.class, "busySince", long.class);
            TASK_START_WATCHED = MethodHandles.lookup().findVarHandle(ThreadState.class, "taskStartWatched",
                    int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public boolean isLoop() {
        return loopByClassOrName || loopRuns > 0;
    }
}
