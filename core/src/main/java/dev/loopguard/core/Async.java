package dev.loopguard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Retry, timeout and gather for {@link CompletionStage}s, timed by a {@link ScheduledExecutorService} (an
 * {@link EventLoop}, a Netty event loop, any scheduler) so that nothing sleeps or blocks a thread, and so that tests
 * can run them on a {@link VirtualClock}. {@link TaskGroup} is the structured-concurrency companion.
 *
 * <p>Common rules:
 * <ul>
 *   <li>Every method returns a new {@link CompletableFuture}; cancelling it cancels the work it waits for (every input
 *       stage that is also a {@link java.util.concurrent.Future}).</li>
 *   <li>Failures are the tasks' own exceptions: the {@link java.util.concurrent.CompletionException} wrappers that
 *       dependent stages add are removed before a failure is reported or tested.</li>
 *   <li>Arguments are checked at once; a null or out-of-range argument throws an exception naming it.</li>
 * </ul>
 */
public final class Async {

    private Async() {
    }

    // ---------------------------------------------------------------------------------------------------------- retry

    /**
     * A retry policy with the defaults (3 attempts, 100 ms initial delay, backoff 2.0, 30 s maximum delay, no jitter,
     * every {@link Exception} but cancellation retried) whose waits are scheduled on {@code scheduler}. Refine it with
     * the policy's fluent settings and start it with {@link RetryPolicy#run} or {@link RetryPolicy#call}.
     */
    public static RetryPolicy retry(ScheduledExecutorService scheduler) {
        return RetryPolicy.on(scheduler, "retry scheduler");
    }

    // -------------------------------------------------------------------------------------------------------- timeout

    /**
     * Completes like {@code stage}, unless {@code timeout} passes first: then the result fails with a
     * {@link TimeoutException} whose message names the duration and the caller's thread and source line, e.g.
     * {@code "operation did not complete within 500 ms (timeout set on thread 'main' at
     * com.example.Greenhouse.poll(Greenhouse.java:42)); it was cancelled"}, and {@code stage} is cancelled when it
     * is a {@link java.util.concurrent.Future}. The timer runs on {@code scheduler} and is cancelled as soon as the
     * stage completes. Cancelling the result cancels {@code stage} and the timer.
     *
     * @throws java.util.concurrent.RejectedExecutionException if {@code scheduler} does not accept the timer
     */
    public static <T> CompletableFuture<T> timeout(CompletionStage<T> stage, Duration timeout,
                                                   ScheduledExecutorService scheduler) {
        // Without a description, the caller's line is the only pointer to what timed out. Finding it walks the
        // stack, which costs microseconds; the described variant skips it for hot paths.
        return withTimer(stage, timeout, scheduler, "timeout", "operation", AsyncArguments.callSite(), true, null);
    }

    /**
     * Like {@link #timeout(CompletionStage, Duration, ScheduledExecutorService)}, with {@code description} naming the
     * work in the {@link TimeoutException}'s message, e.g.
     * {@code "read sensor 3 did not complete within 500 ms (timeout set on thread 'main'); it was cancelled"}.
     * The description replaces the caller's source line in the message, which makes this variant cheaper: it does
     * not walk the stack. Prefer it on hot paths.
     */
    public static <T> CompletableFuture<T> timeout(String description, CompletionStage<T> stage, Duration timeout,
                                                   ScheduledExecutorService scheduler) {
        Objects.requireNonNull(description, "timeout description");
        String where = "thread '" + Thread.currentThread().getName() + "'";
        return withTimer(stage, timeout, scheduler, "timeout", description, where, true, null);
    }

    /**
     * Completes like {@code stage}, unless {@code timeout} passes first: then the result completes with
     * {@code defaultValue} (which may be null) and {@code stage} is cancelled when it is a
     * {@link java.util.concurrent.Future}. Unlike {@link CompletableFuture#completeOnTimeout}, the late work is
     * stopped rather than left running.
     *
     * @throws java.util.concurrent.RejectedExecutionException if {@code scheduler} does not accept the timer
     */
    public static <T> CompletableFuture<T> completeOnTimeout(CompletionStage<T> stage, T defaultValue,
                                                             Duration timeout, ScheduledExecutorService scheduler) {
        return withTimer(stage, timeout, scheduler, "completeOnTimeout", "operation", null, false, defaultValue);
    }

    private static <T> CompletableFuture<T> withTimer(CompletionStage<T> stage, Duration timeout,
                                                      ScheduledExecutorService scheduler, String method,
                                                      String description, String callSite, boolean failOnTimeout,
                                                      T defaultValue) {
        Objects.requireNonNull(stage, method + " stage");
        AsyncArguments.requirePositive(timeout, method + " timeout");
        Objects.requireNonNull(scheduler, method + " scheduler");
        CompletableFuture<T> result = new CompletableFuture<>();
        ScheduledFuture<?> timer = scheduler.schedule(() -> {
            boolean won = failOnTimeout
                    ? result.completeExceptionally(new TimeoutException(description + " did not complete within "
                            + AsyncArguments.describe(timeout) + " (timeout set on " + callSite
                            + "); it was cancelled"))
                    : result.complete(defaultValue);
            if (won) {
                AsyncFailures.cancel(stage);
            }
        }, AsyncArguments.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
        stage.whenComplete((value, error) -> {
            timer.cancel(false);
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(AsyncFailures.unwrap(error));
            }
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                timer.cancel(false);
                AsyncFailures.cancel(stage);
            }
        });
        return result;
    }

    // --------------------------------------------------------------------------------------------------------- gather

    /**
     * All values of {@code stages}, in the order of the list (not the order of completion). The first failure fails
     * the result with that failure and cancels every other stage that is a {@link java.util.concurrent.Future}; later
     * failures of stages that cannot be cancelled are not reported here (use {@link #gatherSettled} or
     * {@link TaskGroup} to see every failure). Cancelling the result cancels all stages. An empty list gives an empty
     * list at once. The list of values is unmodifiable and may contain nulls.
     */
    public static <T> CompletableFuture<List<T>> gather(List<? extends CompletionStage<? extends T>> stages) {
        List<CompletionStage<? extends T>> inputs = copyStages(stages, "gather");
        CompletableFuture<List<T>> result = new CompletableFuture<>();
        if (inputs.isEmpty()) {
            result.complete(List.of());
            return result;
        }
        Object[] values = new Object[inputs.size()];
        AtomicInteger remaining = new AtomicInteger(inputs.size());
        result.whenComplete((value, error) -> {
            if (error != null) {
                AsyncFailures.cancelAll(inputs);
            }
        });
        for (int i = 0; i < inputs.size(); i++) {
            int index = i;
            inputs.get(i).whenComplete((value, error) -> {
                if (error != null) {
                    result.completeExceptionally(AsyncFailures.unwrap(error));
                    return;
                }
                values[index] = value;
                if (remaining.decrementAndGet() == 0) {
                    result.complete(unmodifiable(values));
                }
            });
        }
        return result;
    }

    /**
     * Every outcome of {@code stages}, success or failure, in the order of the list, once all have completed (like
     * Python's {@code asyncio.gather(..., return_exceptions=True)}). The result never fails because a stage failed;
     * cancelling it cancels every stage.
     */
    public static <T> CompletableFuture<List<Outcome<T>>> gatherSettled(
            List<? extends CompletionStage<? extends T>> stages) {
        List<CompletionStage<? extends T>> inputs = copyStages(stages, "gatherSettled");
        CompletableFuture<List<Outcome<T>>> result = new CompletableFuture<>();
        if (inputs.isEmpty()) {
            result.complete(List.of());
            return result;
        }
        Object[] outcomes = new Object[inputs.size()];
        AtomicInteger remaining = new AtomicInteger(inputs.size());
        result.whenComplete((value, error) -> {
            if (error != null) {
                AsyncFailures.cancelAll(inputs);
            }
        });
        for (int i = 0; i < inputs.size(); i++) {
            int index = i;
            inputs.get(i).whenComplete((value, error) -> {
                outcomes[index] = error == null
                        ? Outcome.<T>success(value)
                        : Outcome.<T>failure(AsyncFailures.unwrap(error));
                if (remaining.decrementAndGet() == 0) {
                    result.complete(unmodifiable(outcomes));
                }
            });
        }
        return result;
    }

    /**
     * Like {@link #gather}, but the tasks are started here, and at most {@code maxInFlight} of them are running
     * (their stages incomplete) at any time. The first {@code maxInFlight} suppliers are called on this thread; each
     * later one is called on the thread that completed an earlier stage, as soon as that stage completes; no thread
     * ever waits for a free slot. Suppliers are called in list order. The first failure (a failed stage, or a
     * supplier that throws or returns null) fails the result, cancels the running stages and starts nothing more.
     *
     * <p>Suppliers should only start work and return; a supplier that must run on a particular thread should submit
     * itself there, e.g. {@code () -> loop.submit(() -> ...)}.
     */
    public static <T> CompletableFuture<List<T>> gatherBounded(
            int maxInFlight, List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers) {
        List<? extends Supplier<? extends CompletionStage<? extends T>>> tasks =
                copySuppliers(maxInFlight, suppliers, "gatherBounded");
        return new BoundedGather<T, T>(tasks, maxInFlight, false).start();
    }

    /**
     * The settled form of {@link #gatherBounded}: at most {@code maxInFlight} running at once, and every outcome
     * reported in list order; a failure does not stop the others. Cancelling the result cancels the running stages
     * and starts nothing more.
     */
    public static <T> CompletableFuture<List<Outcome<T>>> gatherSettledBounded(
            int maxInFlight, List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers) {
        List<? extends Supplier<? extends CompletionStage<? extends T>>> tasks =
                copySuppliers(maxInFlight, suppliers, "gatherSettledBounded");
        return new BoundedGather<T, Outcome<T>>(tasks, maxInFlight, true).start();
    }

    private static <T> List<CompletionStage<? extends T>> copyStages(
            List<? extends CompletionStage<? extends T>> stages, String method) {
        Objects.requireNonNull(stages, method + " stages");
        List<CompletionStage<? extends T>> copy = new ArrayList<>(stages.size());
        for (CompletionStage<? extends T> stage : stages) {
            // Checked by hand: requireNonNull(stage, message) would build the message for every input.
            if (stage == null) {
                throw new NullPointerException(method + " stages[" + copy.size() + "]");
            }
            copy.add(stage);
        }
        return copy;
    }

    private static <S> List<S> copySuppliers(int maxInFlight, List<? extends S> suppliers, String method) {
        AsyncArguments.requireAtLeastOne(maxInFlight, method + " maxInFlight");
        Objects.requireNonNull(suppliers, method + " suppliers");
        List<S> copy = new ArrayList<>(suppliers.size());
        for (S supplier : suppliers) {
            if (supplier == null) {
                throw new NullPointerException(method + " suppliers[" + copy.size() + "]");
            }
            copy.add(supplier);
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static <E> List<E> unmodifiable(Object[] values) {
        return Collections.unmodifiableList(Arrays.asList((E[]) values));
    }
}
