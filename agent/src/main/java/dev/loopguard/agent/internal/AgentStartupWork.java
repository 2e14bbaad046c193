package dev.loopguard.agent.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's own start-up work that waits for the first event loop (starting the JFR stream of the monitor detector,
 * registering the JFR event types of findings): it runs on daemon threads, but on a small machine it takes the CPU
 * the loop's first tasks need at that very moment, and JFR's start-up stops every thread now and then. While any of
 * it is in progress the stall watchdog measures a loop by the CPU time the loop thread got rather than by the wall
 * clock, so the agent's start-up does not make the first requests through a cold loop look like a stall.
 */
public final class AgentStartupWork {
    private final AtomicInteger inProgress = new AtomicInteger();

    /** A piece of start-up work begins; {@link #finished()} must follow, whatever happens. */
    public void started() {
        inProgress.incrementAndGet();
    }

    public void finished() {
        inProgress.decrementAndGet();
    }

    public boolean inProgress() {
        return inProgress.get() > 0;
    }
}
