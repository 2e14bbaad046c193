package dev.loopguard.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Runs suppliers of stages with at most {@code maxInFlight} of their stages incomplete at any time, starting the next
 * supplier from the completion of an earlier stage, so no thread waits for a free slot.
 *
 * <p>Starting is serialized by a work-in-progress counter rather than a lock: whichever thread finds the counter at
 * zero drains (starts suppliers while slots are free); a thread that finds it non-zero only records that there is more
 * to do. A stage that is already complete when its supplier returns therefore does not start the next supplier by
 * recursion, which would overflow the stack for long lists of synchronous tasks.
 */
final class BoundedGather<T, R> {

    private final List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers;
    private final int maxInFlight;
    private final boolean settled;
    private final Object[] results;
    private final AtomicReferenceArray<CompletionStage<? extends T>> started;
    private final CompletableFuture<List<R>> result = new CompletableFuture<>();
    private final AtomicInteger workInProgress = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger remaining;
    /** Only read and written by the thread that currently drains (see class comment). */
    private int next;

    BoundedGather(List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers, int maxInFlight,
                  boolean settled) {
        this.suppliers = suppliers;
        this.maxInFlight = maxInFlight;
        this.settled = settled;
        this.results = new Object[suppliers.size()];
        this.started = new AtomicReferenceArray<>(suppliers.size());
        this.remaining = new AtomicInteger(suppliers.size());
    }

    CompletableFuture<List<R>> start() {
        if (suppliers.isEmpty()) {
            result.complete(List.of());
            return result;
        }
        result.whenComplete((value, error) -> {
            if (result.isCompletedExceptionally()) {
                cancelStarted();
            }
        });
        drain();
        return result;
    }

    private void drain() {
        if (workInProgress.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            while (!result.isDone() && next < results.length && inFlight.get() < maxInFlight) {
                int index = next++;
                inFlight.incrementAndGet();
                launch(index);
            }
            missed = workInProgress.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void launch(int index) {
        CompletionStage<? extends T> stage;
        try {
            stage = suppliers.get(index).get();
            if (stage == null) {
                throw new NullPointerException(
                        "gatherBounded suppliers[" + index + "] returned null instead of a CompletionStage");
            }
        } catch (Throwable error) {
            onComplete(index, null, error);
            return;
        }
        started.set(index, stage);
        if (result.isDone()) {
            // The gather failed or was cancelled between the check in drain() and now; cancelStarted() may not have
            // seen this stage, so cancel it here.
            AsyncFailures.cancel(stage);
        }
        stage.whenComplete((value, error) -> onComplete(index, value, error));
    }

    private void onComplete(int index, T value, Throwable rawError) {
        Throwable error = rawError == null ? null : AsyncFailures.unwrap(rawError);
        if (settled) {
            results[index] = error == null ? Outcome.success(value) : Outcome.failure(error);
        } else if (error != null) {
            result.completeExceptionally(error);
        } else {
            results[index] = value;
        }
        inFlight.decrementAndGet();
        if (remaining.decrementAndGet() == 0) {
            complete();
        } else {
            drain();
        }
    }

    @SuppressWarnings("unchecked")
    private void complete() {
        result.complete(Collections.unmodifiableList(Arrays.asList((R[]) results)));
    }

    private void cancelStarted() {
        List<CompletionStage<? extends T>> stages = new ArrayList<>();
        for (int i = 0; i < started.length(); i++) {
            CompletionStage<? extends T> stage = started.get(i);
            if (stage != null) {
                stages.add(stage);
            }
        }
        AsyncFailures.cancelAll(stages);
    }
}
