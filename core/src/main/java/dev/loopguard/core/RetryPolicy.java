package dev.loopguard.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * An immutable description of how to retry an asynchronous operation, bound to the scheduler that times the waits
 * between attempts. Obtain one with {@link Async#retry(ScheduledExecutorService)}; every setting returns a new policy
 * and rejects bad values at once, so a policy can be kept in a constant and shared between threads.
 *
 * <pre>{@code
 * CompletableFuture<Reading> reading = Async.retry(loop)
 *         .maxAttempts(4)
 *         .initialDelay(Duration.ofMillis(100))
 *         .backoff(2.0)                        // waits 100 ms, 200 ms, 400 ms
 *         .maxDelay(Duration.ofSeconds(5))
 *         .retryOn(IOException.class, TimeoutException.class)
 *         .run(() -> sensor.read());
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Attempt 1 starts at once, on the thread that calls {@link #run}. After attempt {@code n} fails with a retryable
 *       failure, the next attempt starts {@code min(maxDelay, initialDelay * backoff^(n-1))} later (reduced by jitter
 *       when set), as a task scheduled on the scheduler: no thread sleeps or blocks while waiting. With the defaults
 *       and {@code maxAttempts(4)} attempts start at 0, 100 ms, 300 ms and 700 ms.</li>
 *   <li>A failure is retryable when the retry predicate accepts it ({@link #retryOn}, {@link #retryIf}); by default
 *       every {@link Exception} except {@link CancellationException} is. {@link Error}s fail at once by default. The
 *       predicate sees the operation's own exception, with {@code CompletionException}/{@code ExecutionException}
 *       wrappers removed.</li>
 *   <li>The returned future fails with the <em>last</em> failure; the failures of the earlier attempts are attached to
 *       it as {@linkplain Throwable#getSuppressed() suppressed} exceptions, oldest first. A failure that is not
 *       retryable fails the future at once, carrying the earlier failures the same way.</li>
 *   <li>Cancelling (or otherwise completing) the returned future stops the retry: the pending wait is cancelled, the
 *       attempt in flight is cancelled when its stage is a {@link java.util.concurrent.Future}, and no further
 *       attempt starts.</li>
 *   <li>If the scheduler rejects a wait (for example because the loop was closed), the future fails with that
 *       {@link java.util.concurrent.RejectedExecutionException}, the operation's failures attached as suppressed.</li>
 *   <li>An operation that throws instead of returning a failed stage counts as a failed attempt; one that returns
 *       {@code null} fails the retry at once with a {@link NullPointerException}.</li>
 * </ul>
 *
 * <p>Defaults: 3 attempts, 100 ms initial delay, backoff factor 2.0, 30 s maximum delay, no jitter.
 * A per-attempt time limit composes: {@code run(() -> Async.timeout(op(), Duration.ofSeconds(1), loop))} retries
 * attempts that time out, because {@link java.util.concurrent.TimeoutException} is retryable by default.
 */
public final class RetryPolicy {

    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(100);
    static final double DEFAULT_BACKOFF = 2.0;
    static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

    private static final Predicate<Throwable> ANY_EXCEPTION =
            error -> error instanceof Exception && !(error instanceof CancellationException);

    private final ScheduledExecutorService scheduler;
    private final int maxAttempts;
    private final Duration initialDelay;
    private final double backoff;
    private final Duration maxDelay;
    private final double jitter;
    /** Null means {@link ThreadLocalRandom}, which cannot be captured because it is per thread. */
    private final RandomGenerator random;
    private final Predicate<? super Throwable> retryable;
    private final String retryableDescription;

    private RetryPolicy(ScheduledExecutorService scheduler, int maxAttempts, Duration initialDelay, double backoff,
                        Duration maxDelay, double jitter, RandomGenerator random,
                        Predicate<? super Throwable> retryable, String retryableDescription) {
        this.scheduler = scheduler;
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.backoff = backoff;
        this.maxDelay = maxDelay;
        this.jitter = jitter;
        this.random = random;
        this.retryable = retryable;
        this.retryableDescription = retryableDescription;
    }

    static RetryPolicy on(ScheduledExecutorService scheduler, String parameterName) {
        Objects.requireNonNull(scheduler, parameterName);
        return new RetryPolicy(scheduler, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_DELAY, DEFAULT_BACKOFF,
                DEFAULT_MAX_DELAY, 0.0, null, ANY_EXCEPTION, "any Exception except CancellationException");
    }

    /** The same policy, timing its waits on {@code scheduler} (an {@link EventLoop}, a Netty loop, any scheduler). */
    public RetryPolicy scheduler(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "retry scheduler");
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, jitter, random,
                retryable, retryableDescription);
    }

    /** How many times the operation runs at most, the first attempt included; {@code >= 1} (1 means no retry). */
    public RetryPolicy maxAttempts(int maxAttempts) {
        AsyncArguments.requireAtLeastOne(maxAttempts, "retry maxAttempts");
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, jitter, random,
                retryable, retryableDescription);
    }

    /** The wait after the first failed attempt; {@code >= 0}. */
    public RetryPolicy initialDelay(Duration initialDelay) {
        AsyncArguments.requireNonNegative(initialDelay, "retry initialDelay");
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, jitter, random,
                retryable, retryableDescription);
    }

    /** Each wait is the previous one times {@code factor}; a finite number {@code >= 1.0} (1.0: constant waits). */
    public RetryPolicy backoff(double factor) {
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "retry backoff factor must be a finite number >= 1.0, was " + factor);
        }
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, factor, maxDelay, jitter, random,
                retryable, retryableDescription);
    }

    /** Shorthand for {@code initialDelay(delay).backoff(1.0)}: the same wait before every retry. */
    public RetryPolicy fixedDelay(Duration delay) {
        AsyncArguments.requireNonNegative(delay, "retry fixedDelay");
        return initialDelay(delay).backoff(1.0);
    }

    /**
     * No wait is longer than {@code maxDelay}, jitter included; {@code >= 0}. When it is shorter than the initial
     * delay it caps the first wait too.
     */
    public RetryPolicy maxDelay(Duration maxDelay) {
        AsyncArguments.requireNonNegative(maxDelay, "retry maxDelay");
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, jitter, random,
                retryable, retryableDescription);
    }

    /**
     * Randomizes each wait so that many clients retrying together spread out: a wait {@code d} becomes a uniformly
     * random value in {@code (d * (1 - fraction), d]}. Jitter only shortens waits, so {@link #maxDelay} stays a hard
     * cap. {@code fraction} is in {@code [0.0, 1.0]}; 0 turns jitter off. Uses {@link ThreadLocalRandom}; for
     * reproducible waits in tests use {@link #jitter(double, RandomGenerator)}.
     */
    public RetryPolicy jitter(double fraction) {
        requireFraction(fraction);
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, fraction, null,
                retryable, retryableDescription);
    }

    /**
     * Like {@link #jitter(double)}, drawing from {@code random} (for example {@code new SplittableRandom(42)}), so that
     * a seeded generator gives the same waits on every run. The generator is called on the threads that schedule
     * retries; a policy used concurrently needs a thread-safe generator.
     */
    public RetryPolicy jitter(double fraction, RandomGenerator random) {
        requireFraction(fraction);
        Objects.requireNonNull(random, "retry jitter random");
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, fraction, random,
                retryable, retryableDescription);
    }

    /**
     * Retries only failures that are instances of one of {@code types} (subclasses included); any other failure
     * fails at once. Replaces an earlier {@code retryOn}/{@code retryIf}.
     */
    @SafeVarargs
    public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
        Objects.requireNonNull(types, "retry retryOn types");
        if (types.length == 0) {
            throw new IllegalArgumentException(
                    "retry retryOn types must name at least one exception class, was an empty list");
        }
        for (int i = 0; i < types.length; i++) {
            Objects.requireNonNull(types[i], "retry retryOn types[" + i + "]");
        }
        List<Class<? extends Throwable>> copy = List.copyOf(Arrays.asList(types));
        Predicate<Throwable> matches = error -> copy.stream().anyMatch(type -> type.isInstance(error));
        String description = copy.stream().map(Class::getName).toList().toString();
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, jitter, random,
                matches, "instances of " + description);
    }

    /**
     * Retries the failures {@code retryable} accepts; it is given the operation's own exception (wrappers removed).
     * If the predicate throws, the retry fails with the operation's failure and the predicate's exception attached as
     * suppressed. Replaces an earlier {@code retryOn}/{@code retryIf}.
     */
    public RetryPolicy retryIf(Predicate<? super Throwable> retryable) {
        Objects.requireNonNull(retryable, "retry retryIf predicate");
        return new RetryPolicy(scheduler, maxAttempts, initialDelay, backoff, maxDelay, jitter, random,
                retryable, "failures accepted by " + retryable);
    }

    /**
     * Runs {@code operation} until it succeeds, fails with a failure that is not retryable, or has run
     * {@link #maxAttempts} times. The first attempt runs on the calling thread; later attempts run on the scheduler's
     * thread. The operation should only start work and return its stage; to run blocking code use
     * {@link #call(Callable, Executor)} or {@link EventLoop#offload(Callable)} inside the operation.
     *
     * @return a future with the first successful value, or failing as described in the class documentation;
     *         cancelling it stops the retry
     */
    public <T> CompletableFuture<T> run(Supplier<? extends CompletionStage<T>> operation) {
        Objects.requireNonNull(operation, "retry operation");
        RetryRun<T> run = new RetryRun<>(this, operation);
        run.start();
        return run.result();
    }

    /**
     * Retries a plain {@link Callable}: every attempt, the first included, runs {@code operation} on
     * {@code executor}, so a blocking call can be given a worker pool while the waits stay on the scheduler.
     * An attempt that was queued on the executor but not started when the retry is cancelled does not run.
     */
    public <T> CompletableFuture<T> call(Callable<? extends T> operation, Executor executor) {
        Objects.requireNonNull(operation, "retry operation");
        Objects.requireNonNull(executor, "retry executor");
        return run(() -> {
            CompletableFuture<T> attempt = new CompletableFuture<>();
            executor.execute(() -> {
                if (attempt.isDone()) {
                    return;
                }
                try {
                    attempt.complete(operation.call());
                } catch (Throwable error) {
                    attempt.completeExceptionally(error);
                }
            });
            return attempt;
        });
    }

    /** The wait before attempt {@code failedAttempts + 1}, before jitter, in nanoseconds (saturating). */
    long nominalDelayNanos(int failedAttempts) {
        double nanos = AsyncArguments.saturatedNanos(initialDelay) * Math.pow(backoff, failedAttempts - 1);
        long cap = AsyncArguments.saturatedNanos(maxDelay);
        // Comparing as double first avoids the overflow of casting a huge product to long.
        return nanos >= cap ? cap : (long) nanos;
    }

    /** The wait before attempt {@code failedAttempts + 1}, jitter applied, in nanoseconds. */
    long delayNanos(int failedAttempts) {
        long nominal = nominalDelayNanos(failedAttempts);
        if (jitter == 0.0 || nominal == 0) {
            return nominal;
        }
        RandomGenerator generator = random != null ? random : ThreadLocalRandom.current();
        double reduction = jitter * generator.nextDouble();
        return (long) Math.ceil(nominal * (1.0 - reduction));
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    boolean isRetryable(Throwable error) {
        return retryable.test(error);
    }

    private static void requireFraction(double fraction) {
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("retry jitter fraction must be in [0.0, 1.0], was " + fraction);
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts
                + ", initialDelay=" + AsyncArguments.describe(initialDelay)
                + ", backoff=" + backoff
                + ", maxDelay=" + AsyncArguments.describe(maxDelay)
                + ", jitter=" + jitter
                + ", retryOn=" + retryableDescription
                + ", scheduler=" + scheduler + "]";
    }
}
