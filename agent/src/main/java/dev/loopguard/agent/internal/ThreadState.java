package dev.loopguard.agent.internal;

/**
 * Everything the agent tracks for one thread, held in one {@link ThreadLocal} so that the check on a thread that is
 * not an event loop is one lookup and one field read. Fields written by the owning thread; the watchdog only reads
 * the volatile ones.
 */
final class ThreadState {
    final Thread thread;
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
    boolean inAgent;
    /**
     * The current busy period (the loop left its idle wait) as a sequence number, 0 while idle or before the first
     * wait. A number, not a time: reading the clock twice per task cost about 40% of a short task's time on a loop;
     * the stall watchdog times busy periods itself, from when it first sees one.
     */
    volatile long busySince;
    /** Busy periods started so far; written by the owning thread only. */
    long busyPeriods;
    /** Loop name, when known (core's EventLoop#name()). */
    String loopName;
    boolean registered;

    ThreadState(Thread thread, boolean loopByClassOrName) {
        this.thread = thread;
        this.loopByClassOrName = loopByClassOrName;
    }

    boolean isLoop() {
        return loopByClassOrName || loopRuns > 0;
    }
}
