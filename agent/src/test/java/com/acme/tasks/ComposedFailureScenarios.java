package com.acme.tasks;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A request handled on a Netty loop whose {@code thenCompose} function fails fast: it returns
 * {@code CompletableFuture.failedFuture(...)} for a stale request, or a {@code runAsync(...)} on a worker pool whose
 * task throws. Each form runs {@link #ROUNDS} times in this one JVM (below the 256 futures a site is tracked in full
 * at tasks=sampled), recovered with {@code exceptionally} and dropped
 * unhandled, so that the race between the inner future failing on the pool and the composed stage reading it is
 * exercised. Each inner future is made in a method of its own so that findings are told apart by site.
 */
public final class ComposedFailureScenarios {

    public static final int ROUNDS = 200;

    private ComposedFailureScenarios() {
    }

    public static void main(String[] args) throws Exception {
        DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        List<CompletableFuture<?>> recovered = new ArrayList<>();
        try {
            EventLoop loop = loops.next();
            for (int round = 0; round < ROUNDS; round++) {
                recovered.add(failedFutureRecovered(loop));
                recovered.add(runAsyncRecovered(loop, workers));
                failedFutureDropped(loop);
                runAsyncDropped(loop, workers);
            }
            for (CompletableFuture<?> f : recovered) {
                f.get(30, TimeUnit.SECONDS); // throws unless exceptionally recovered the chain
            }
            // The dropped chains end on the loop or the workers: once both are idle, every one of them has failed.
            loops.submit(() -> { }).get(30, TimeUnit.SECONDS);
            workers.shutdown();
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker tasks did not finish");
            }
            loops.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
        System.out.println("scenario done");
    }

    static CompletableFuture<Object> failedFutureRecovered(EventLoop loop) {
        return CompletableFuture.supplyAsync(() -> "order-1", loop)
                .thenCompose(ComposedFailureScenarios::rejectStaleRecovered)
                .exceptionally(ComposedFailureScenarios::fallback);
    }

    static CompletableFuture<Object> rejectStaleRecovered(String order) {
        return CompletableFuture.failedFuture(new IllegalStateException("stale " + order));
    }

    static CompletableFuture<Void> runAsyncRecovered(EventLoop loop, ExecutorService workers) {
        return CompletableFuture.supplyAsync(() -> "order-2", loop)
                .thenCompose(order -> refreshRecovered(workers))
                .exceptionally(failure -> {
                    fallback(failure);
                    return null;
                });
    }

    static CompletableFuture<Void> refreshRecovered(ExecutorService workers) {
        return CompletableFuture.runAsync(() -> fail("refresh failed"), workers);
    }

    static void failedFutureDropped(EventLoop loop) {
        CompletableFuture.supplyAsync(() -> "order-3", loop)
                .thenCompose(ComposedFailureScenarios::rejectStaleDropped);
    }

    static CompletableFuture<Object> rejectStaleDropped(String order) {
        return CompletableFuture.failedFuture(new IllegalStateException("stale " + order));
    }

    static void runAsyncDropped(EventLoop loop, ExecutorService workers) {
        CompletableFuture.supplyAsync(() -> "order-4", loop)
                .thenCompose(order -> refreshDropped(workers));
    }

    static CompletableFuture<Void> refreshDropped(ExecutorService workers) {
        return CompletableFuture.runAsync(() -> fail("refresh failed"), workers);
    }

    private static Object fallback(Throwable failure) {
        if (failure instanceof CompletionException && failure.getCause() instanceof IllegalStateException) {
            return "fallback";
        }
        throw new IllegalStateException("unexpected failure", failure);
    }

    private static void fail(String message) {
        throw new IllegalStateException(message);
    }
}
