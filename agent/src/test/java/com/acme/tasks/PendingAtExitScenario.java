package com.acme.tasks;

import dev.loopguard.core.ClosePolicy;
import dev.loopguard.core.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Core event loops whose work is still waiting when the JVM exits, next to work that ran, was cancelled, is periodic
 * or was handed back at close. The loop "outbox" is never closed: main returns while its (daemon) thread runs.
 * Prints {@code scenario done} at the end; the forked-JVM test reads the report written at exit.
 */
public final class PendingAtExitScenario {

    private static final CountDownLatch NEVER = new CountDownLatch(1);
    /** Kept, so that the pending stage is not collected before exit. */
    static volatile CompletableFuture<String> shipped;
    static volatile CompletableFuture<String> invoiced;

    private PendingAtExitScenario() {
    }

    public static void main(String[] args) throws Exception {
        EventLoop outbox = EventLoop.builder().name("outbox").build();
        ranBeforeExit(outbox);
        periodicSchedule(outbox);
        cancelledSchedule(outbox);
        closedWithAHandler();

        Thread scheduler = new Thread(() -> reminderScheduledForLater(outbox), "acme-scheduler");
        scheduler.start();
        scheduler.join();

        CountDownLatch busy = new CountDownLatch(1);
        occupyTheLoop(outbox, busy);
        if (!busy.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the loop did not start the blocking task");
        }
        submittedBehindABusyTask(outbox);
        submittedBehindABusyTask(outbox);
        CompletableFuture<String> order = new CompletableFuture<>();
        shipped = asyncStageBehindABusyTask(outbox, order);
        order.complete("order 1"); // hands the stage to the busy loop
        CompletableFuture<String> invoice = new CompletableFuture<>();
        invoiced = chainedStageBehindABusyTask(outbox, invoice);
        invoice.complete("invoice 1");
        System.out.println("scenario done");
    }

    static void ranBeforeExit(EventLoop loop) {
        loop.submit(() -> "sent").join();
    }

    static void periodicSchedule(EventLoop loop) {
        loop.scheduleAtFixedRate(() -> { }, Duration.ofHours(1), Duration.ofHours(1));
    }

    static void cancelledSchedule(EventLoop loop) {
        Future<?> timeout = loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
        timeout.cancel(false);
    }

    static void closedWithAHandler() {
        List<Runnable> handedBack = new ArrayList<>();
        EventLoop loop = EventLoop.builder().name("handled").closePolicy(ClosePolicy.CANCEL_QUEUED)
                .onUnrunTasks(handedBack::addAll).build();
        loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
        loop.close();
        if (handedBack.size() != 1) {
            throw new IllegalStateException("the loop did not hand back its task");
        }
    }

    static void reminderScheduledForLater(EventLoop loop) {
        loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
    }

    /** Keeps the loop thread in one task until the JVM exits; that task started, so it is not pending. */
    static void occupyTheLoop(EventLoop loop, CountDownLatch busy) {
        loop.execute(() -> {
            busy.countDown();
            try {
                NEVER.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** An asynchronous stage whose source completed: the loop got the stage's task, behind the busy one. */
    static CompletableFuture<String> asyncStageBehindABusyTask(EventLoop loop, CompletableFuture<String> order) {
        return order.thenApplyAsync(String::toUpperCase, loop);
    }

    /** The same, with the stage chained at once: tracking follows only the leaf, which names the stage's task. */
    static CompletableFuture<String> chainedStageBehindABusyTask(EventLoop loop, CompletableFuture<String> invoice) {
        return invoice.thenApplyAsync(String::toUpperCase, loop)
                .handle((text, failure) -> failure == null ? text : "unsent");
    }

    static void submittedBehindABusyTask(EventLoop loop) {
        loop.execute(() -> System.out.println("never printed"));
    }
}
