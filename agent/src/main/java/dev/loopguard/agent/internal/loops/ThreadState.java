package dev.loopguard.agent.internal.loops;

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

    private static final VarHandle BUSY_SINCE;

    static {
        try {
            BUSY_SINCE = MethodHandles.lookup().findVarHandle(ThreadState.class, "busySince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public boolean isLoop() {
        return loopByClassOrName || loopRuns > 0;
    }
}
