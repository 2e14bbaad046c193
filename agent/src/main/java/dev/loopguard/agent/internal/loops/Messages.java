package dev.loopguard.agent.internal.loops;

import java.time.Duration;

/** Every sentence a user reads from the agent's blocking-call and stall detectors, in one place. */
public final class Messages {
    static final String OFFLOAD = "move it off the loop with EventLoop.offload(...) (Netty: an EventExecutorGroup;"
            + " Vert.x: executeBlocking; Reactor: publishOn(boundedElastic()))";
    public static final String BLOCKING_ADVICE = "Move it off the loop with EventLoop.offload(...) (Netty: an"
            + " EventExecutorGroup; Vert.x: executeBlocking; Reactor: publishOn(boundedElastic())).";
    static final String WAIT_ADVICE = "Chain on the result instead of waiting for it (thenApply, whenComplete, a"
            + " listener), or " + OFFLOAD + ".";
    static final String STALL_ADVICE = "Split the work into shorter tasks that re-submit themselves, or " + OFFLOAD + ".";

    private Messages() {
    }

    public static String blocking(String operation, String thread, String site) {
        return "Blocking call " + operation + " on event-loop thread '" + thread + "' at " + where(site)
                + ". Blocking stalls every task on this loop; " + OFFLOAD + ".";
    }

    /** @param waited how long the loop waited, or null when it was seen blocked while still waiting */
    public static String contendedMonitor(String monitorClass, String thread, String site, Duration waited) {
        return "Contended synchronized block on a " + monitorClass + " monitor on event-loop thread '" + thread + "' at "
                + where(site) + (waited == null ? ": the loop was blocked, waiting for another thread to release it."
                        : ": the loop waited " + (waited.toMillis() == 0 ? "less than 1 ms" : waited.toMillis() + " ms")
                        + " for another thread to release it.")
                + " Blocking stalls every task on this loop; use a non-blocking structure (a concurrent collection,"
                + " an atomic, or confine the state to the loop) or " + OFFLOAD + ".";
    }

    static String stall(String thread, long millis, Duration threshold, String site) {
        return "Event-loop thread '" + thread + "' was busy in one task for " + millis + " ms (stallThreshold "
                + threshold.toMillis() + " ms) at " + where(site) + ". Every other task on this loop waited; split"
                + " the work into shorter tasks or " + OFFLOAD + ".";
    }

    public static String adviceFor(String operation, boolean waitsForOtherThread) {
        return waitsForOtherThread ? WAIT_ADVICE : BLOCKING_ADVICE;
    }

    private static String where(String site) {
        return site == null ? "(no application frame on the stack; see the stack)" : site;
    }
}
