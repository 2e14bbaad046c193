package com.acme.loops;

import java.util.concurrent.locks.LockSupport;

/** Helpers that make a wait really wait: they release the waiter only once it is seen waiting. */
final class Waiters {
    private Waiters() {
    }

    /** Runs {@code release} on a helper thread as soon as {@code waiter} is parked, waiting or blocked. */
    static void releaseWhenWaiting(Thread waiter, Runnable release) {
        Thread helper = new Thread(() -> {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!isWaiting(waiter.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(waiter.getName() + " never waited");
                }
                LockSupport.parkNanos(200_000);
            }
            release.run();
        }, "scenario-helper");
        helper.setDaemon(true);
        helper.start();
    }

    private static boolean isWaiting(Thread.State state) {
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
    }
}
