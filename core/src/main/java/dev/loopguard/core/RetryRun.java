package dev.loopguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One execution of a {@link RetryPolicy}: the attempts of one {@link RetryPolicy#run} call.
 *
 * <p>Attempts never overlap: attempt {@code n + 1} is scheduled only from the completion of attempt {@code n}, and
 * scheduling a task orders everything before it with everything the task does. So {@link #failures} and
 * {@link #attempt} are only touched by one thread at a time and need no lock. Only cancellation comes from other
 * threads; it goes through the volatile fields.
 */
final class RetryRun<T> {

    private final RetryPolicy policy;
    private final Supplier<? extends CompletionStage<T>> operation;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final List<Throwable> failures = new ArrayList<>();
    private int attempt;
    private volatile Future<?> pendingWait;
    private volatile CompletionStage<T> inFlight;

    RetryRun(RetryPolicy policy, Supplier<? extends CompletionStage<T>> operation) {
        this.policy = policy;
        this.operation = operation;
    }

    CompletableFuture<T> result() {
        return result;
    }

    void start() {
        // Whoever completes the result (the caller cancelling it, or this run) stops what is still pending.
        result.whenComplete((value, error) -> stopPending());
        runAttempt();
    }

    private void runAttempt() {
        if (result.isDone()) {
            return;
        }
        attempt++;
        CompletionStage<T> stage;
        try {
            stage = operation.get();
        } catch (Throwable error) {
            onFailure(error);
            return;
        }
        if (stage == null) {
            fail(new NullPointerException("retry operation returned null instead of a CompletionStage on attempt "
                    + attempt + " of " + policy.maxAttempts() + "; return a failed stage to report a failure"));
            return;
        }
        inFlight = stage;
        stage.whenComplete((value, error) -> {
            inFlight = null;
            if (error == null) {
                result.complete(value);
            } else {
                onFailure(error);
            }
        });
        if (result.isDone()) {
            // Cancelled while the attempt was being started: stopPending() may have run before inFlight was set.
            AsyncFailures.cancel(stage);
        }
    }

    private void onFailure(Throwable raw) {
        if (result.isDone()) {
            return;
        }
        Throwable error = AsyncFailures.unwrap(raw);
        boolean retryable;
        try {
            retryable = policy.isRetryable(error);
        } catch (Throwable predicateFailure) {
            error.addSuppressed(predicateFailure);
            fail(error);
            return;
        }
        if (!retryable || attempt >= policy.maxAttempts()) {
            fail(error);
            return;
        }
        failures.add(error);
        long delay = policy.delayNanos(attempt);
        try {
            pendingWait = policy.scheduler().schedule(this::runAttempt, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException rejected) {
            RejectedExecutionException report = new RejectedExecutionException(
                    "retry could not schedule attempt " + (attempt + 1) + " of " + policy.maxAttempts()
                            + ": scheduler " + policy.scheduler() + " rejected the wait (is it shut down?); "
                            + "the failures so far are attached as suppressed", rejected);
            result.completeExceptionally(AsyncFailures.attach(report, failures));
            return;
        }
        if (result.isDone()) {
            stopPending();
        }
    }

    private void fail(Throwable error) {
        result.completeExceptionally(AsyncFailures.attach(error, failures));
    }

    private void stopPending() {
        Future<?> wait = pendingWait;
        if (wait != null) {
            wait.cancel(false);
        }
        CompletionStage<T> stage = inFlight;
        if (stage != null) {
            AsyncFailures.cancel(stage);
        }
    }
}
