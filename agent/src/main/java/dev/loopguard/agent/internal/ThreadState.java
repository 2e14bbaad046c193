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
    /** Nano time when the current task started (the loop left its idle wait); 0 while idle or before the first wait. */
    volatile long busySince;
    volatile long lastBusyStart;
    volatile long lastBusyEnd;
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
