package com.acme.startup;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loop built the way applications build one: a single-thread executor whose thread the agent's
 * {@code eventLoopThreads} names. The first task it ever runs keeps it busy for 600 ms; a pool worker runs that task
 * before it first waits for work.
 */
public final class FirstTaskStallScenario {

    private FirstTaskStallScenario() {
    }

    public static void main(String[] args) throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-eventloop-1"));
        loop.submit(FirstTaskStallScenario::crunchOnTheFirstTask).get(30, TimeUnit.SECONDS);
        loop.shutdown();
        if (!loop.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the loop did not stop");
        }
        System.out.println("scenario done");
    }

    static long crunchOnTheFirstTask() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        long n = 0;
        while (System.nanoTime() - end < 0) {
            n += Long.numberOfTrailingZeros(n + System.nanoTime());
        }
        return n;
    }
}
