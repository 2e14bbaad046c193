package dev.loopguard.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * One call into user code made by a {@link ControllerRunner} or a {@link TaskRegistry}: either an asynchronous method
 * started on the loop, or a blocking method offloaded to the loop's workers.
 *
 * <p>{@link #result} always completes on the loop thread, so the bookkeeping that follows it needs no hand-over of its
 * own; {@link #finished} completes when the user's code has really stopped running, which after a cancel can be later
 * than {@code result} (or never, for code that ignores cancellation).
 */
final class Invocation<T> {

    final CompletableFuture<T> result;
    final CompletableFuture<Void> finished;
    final boolean offloaded;
    private final Runnable canceller;

    private Invocation(CompletableFuture<T> result, CompletableFuture<Void> finished, boolean offloaded,
            Runnable canceller) {
        this.result = result;
        this.finished = finished;
        this.offloaded = offloaded;
        this.canceller = canceller;
    }

    /** Asks the user's code to stop: interrupts an offloaded call, cancels an asynchronous stage. */
    void cancel() {
        canceller.run();
    }

    static <T> Invocation<T> completed(T value) {
        return new Invocation<>(CompletableFuture.completedFuture(value), CompletableFuture.completedFuture(null),
                false, () -> { });
    }

    static <T> Invocation<T> failed(Throwable error) {
        return new Invocation<>(CompletableFuture.failedFuture(error), CompletableFuture.completedFuture(null), false,
                () -> { });
    }

    /**
     * Calls {@code method} on the current (loop) thread. A method that throws, or returns {@code null} instead of a
     * stage, fails the invocation; {@code where} names the method in that message.
     */
    static <T> Invocation<T> async(EventLoop loop, Supplier<? extends CompletionStage<T>> method, String where) {
        CompletionStage<T> stage;
        try {
            stage = method.get();
        } catch (Throwable error) {
            return failed(error);
        }
        if (stage == null) {
            return failed(new NullPointerException(where + " returned null; return a CompletionStage, for example "
                    + "CompletableFuture.completedFuture(null) when there is nothing to wait for"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            finished.complete(null);
            completeOnLoop(loop, result, value, error);
        });
        return new Invocation<>(result, finished, false, () -> {
            try {
                stage.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException notCancellable) {
                // A stage without a future view cannot be cancelled; finished stays pending and stop reports it.
            }
        });
    }

    /** Runs {@code method} through {@link EventLoop#offload(Callable)}, so it never blocks the loop thread. */
    static <T> Invocation<T> offloaded(EventLoop loop, Callable<T> method) {
        InterruptibleCall<T> call = new InterruptibleCall<>(method);
        CompletableFuture<T> offload;
        try {
            offload = loop.offload(call);
        } catch (RejectedExecutionException rejected) {
            return failed(rejected);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        offload.whenComplete((value, error) -> completeOnLoop(loop, result, value, error));
        return new Invocation<>(result, call.finished(), true, call::cancel);
    }

    /**
     * Completes with {@code true} when {@code work} completes within {@code bound} of the loop's clock, with
     * {@code false} when the bound passes first. Waits on the loop's scheduler; no thread blocks.
     */
    static CompletableFuture<Boolean> completesWithin(EventLoop loop, CompletableFuture<?> work, Duration bound) {
        if (work.isDone()) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        ScheduledFuture<?> timer = loop.schedule(() -> {
            outcome.complete(false);
        }, bound);
        work.whenComplete((value, error) -> {
            timer.cancel(false);
            completeOnLoop(loop, outcome, true, null);
        });
        return outcome;
    }

    /** Completes {@code target} on the loop thread, or right here when the loop no longer accepts work. */
    static <T> void completeOnLoop(EventLoop loop, CompletableFuture<T> target, T value, Throwable error) {
        Throwable cause = unwrap(error);
        Runnable completion = () -> {
            if (cause == null) {
                target.complete(value);
            } else {
                target.completeExceptionally(cause);
            }
        };
        if (loop.inEventLoop()) {
            completion.run();
            return;
        }
        try {
            loop.execute(completion);
        } catch (RejectedExecutionException closed) {
            completion.run();
        }
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The failure of a future that completed exceptionally (its cancellation, or the cause unwrapped); else null. */
    static Throwable failureOf(CompletableFuture<?> future) {
        if (!future.isCompletedExceptionally()) {
            return null;
        }
        try {
            future.join();
            return null;
        } catch (CancellationException cancelled) {
            return cancelled;
        } catch (RuntimeException wrapped) {
            return unwrap(wrapped);
        }
    }
}
