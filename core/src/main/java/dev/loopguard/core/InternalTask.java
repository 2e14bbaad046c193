package dev.loopguard.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The completion of an {@link EventLoop#offload offloaded} call: it must run exactly once, on the loop if the loop
 * still runs, otherwise on the thread that delivers it, so that the caller's future is never lost to a loop that
 * terminated in between.
 */
final class InternalTask implements Runnable {
    private final Runnable completion;
    private final AtomicBoolean claimed = new AtomicBoolean();

    InternalTask(Runnable completion) {
        this.completion = completion;
    }

    /** Runs the completion unless another thread already did; whether this call ran it. */
    boolean runOnce() {
        if (claimed.compareAndSet(false, true)) {
            completion.run();
            return true;
        }
        return false;
    }

    @Override
    public void run() {
        runOnce();
    }

    @Override
    public String toString() {
        return "offload completion";
    }
}
