package com.acme.tasks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * A {@code supplyAsync} that fails on a {@link ForkJoinPool} worker, its future dropped. The hand-off executor waits
 * for the worker, so the future has already failed when {@code supplyAsync} returns to the caller: the agent starts
 * tracking it on {@code main}, after the worker failed it, which is the order a busy machine produces by chance.
 */
public final class FailingWorkerScenario {

    private FailingWorkerScenario() {
    }

    public static void main(String[] args) throws Exception {
        ForkJoinPool pool = new ForkJoinPool(2);
        // The task is wrapped: supplyAsync's task is itself a ForkJoinTask that never completes as one.
        Executor waitForTheWorker = task -> pool.submit(() -> task.run()).join();
        failOnAWorker(waitForTheWorker);
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pool did not stop");
        }
        System.out.println("scenario done");
    }

    static void failOnAWorker(Executor executor) {
        CompletableFuture.supplyAsync(FailingWorkerScenario::readGauge, executor);
    }

    private static String readGauge() {
        throw new IllegalStateException("gauge offline");
    }
}
