package dev.loopguard.core;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Async.retry")
class AsyncRetryTest {

    private VirtualClock clock;
    private EventLoop loop;
    private final List<Duration> attemptTimes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startLoop() {
        clock = VirtualClock.create();
        loop = EventLoop.builder().name("retry-test").clock(clock).build();
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    /** An operation that records when each attempt starts and fails with IOException until attempt {@code succeedOn}. */
    private java.util.function.Supplier<CompletableFuture<String>> failingUntil(int succeedOn) {
        AtomicInteger calls = new AtomicInteger();
        return () -> {
            attemptTimes.add(clock.elapsed());
            int attempt = calls.incrementAndGet();
            return attempt >= succeedOn
                    ? completedFuture("ok on attempt " + attempt)
                    : failedFuture(new IOException("attempt " + attempt + " failed"));
        };
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void startsAttemptsAtExactBackoffTimesOnVirtualTime() {
        CompletableFuture<String> result = Async.retry(loop)
                .maxAttempts(4).initialDelay(ms(100)).backoff(2.0)
                .run(failingUntil(4));

        assertThat(attemptTimes).containsExactly(ms(0));
        clock.advanceBy(ms(99));
        assertThat(attemptTimes).containsExactly(ms(0));
        clock.advanceBy(ms(1));
        assertThat(attemptTimes).containsExactly(ms(0), ms(100));
        clock.advanceBy(ms(600));

        assertThat(attemptTimes).containsExactly(ms(0), ms(100), ms(300), ms(700));
        assertThat(result).isCompletedWithValue("ok on attempt 4");
    }

    @Test
    void failsWithTheLastFailureCarryingTheEarlierOnesAsSuppressedInOrder() {
        CompletableFuture<String> result = Async.retry(loop)
                .maxAttempts(3).initialDelay(ms(10))
                .run(failingUntil(Integer.MAX_VALUE));

        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(attemptTimes).containsExactly(ms(0), ms(10), ms(30));
        assertThat(result).isCompletedExceptionally();
        Throwable failure = causeOf(result);
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("attempt 3 failed");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage)
                .containsExactly("attempt 1 failed", "attempt 2 failed");
    }

    @Test
    void failsAtOnceOnAFailureThatIsNotRetryable() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> result = Async.retry(loop)
                .maxAttempts(5).initialDelay(ms(100))
                .retryOn(IOException.class)
                .run(() -> {
                    attemptTimes.add(clock.elapsed());
                    return calls.incrementAndGet() == 1
                            ? failedFuture(new IOException("transient"))
                            : failedFuture(new IllegalStateException("broken"));
                });

        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(attemptTimes).containsExactly(ms(0), ms(100));
        Throwable failure = causeOf(result);
        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("broken");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("transient");
    }

    @Test
    void retryIfDecidesOnTheUnwrappedFailure() {
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> result = Async.retry(loop)
                .maxAttempts(3).initialDelay(ms(1))
                .retryIf(error -> seen.add(error) && error instanceof UncheckedIOException)
                .run(() -> calls.incrementAndGet() < 3
                        ? CompletableFuture.<String>supplyAsync(() -> {
                            throw new UncheckedIOException(new IOException("wrapped by supplyAsync"));
                        }, Runnable::run)
                        : completedFuture("third time"));

        clock.advanceBy(ms(10));

        assertThat(result).isCompletedWithValue("third time");
        assertThat(seen).hasSize(2).allSatisfy(error -> assertThat(error).isInstanceOf(UncheckedIOException.class));
    }

    @Test
    void errorsAndCancellationAreNotRetriedByDefault() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> error = Async.retry(loop).run(() -> {
            calls.incrementAndGet();
            return failedFuture(new AssertionError("an Error"));
        });
        CompletableFuture<String> cancelled = Async.retry(loop).run(() -> {
            calls.incrementAndGet();
            return failedFuture(new CancellationException("cancelled elsewhere"));
        });

        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(calls).hasValue(2);
        assertThat(causeOf(error)).isInstanceOf(AssertionError.class);
        assertThat(cancelled).isCancelled();
    }

    @Test
    void capsEveryWaitAtMaxDelay() {
        CompletableFuture<String> result = Async.retry(loop)
                .maxAttempts(5).initialDelay(ms(100)).backoff(10).maxDelay(Duration.ofSeconds(1))
                .run(failingUntil(5));

        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(attemptTimes).containsExactly(ms(0), ms(100), ms(1100), ms(2100), ms(3100));
        assertThat(result).isCompletedWithValue("ok on attempt 5");
    }

    @Test
    void fixedDelayWaitsTheSameBeforeEveryRetry() {
        Async.retry(loop).maxAttempts(4).fixedDelay(ms(250)).run(failingUntil(4));

        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(attemptTimes).containsExactly(ms(0), ms(250), ms(500), ms(750));
    }

    @Test
    void jitterShortensWaitsByTheDrawnFraction() {
        // nextLong() == Long.MIN_VALUE makes nextDouble() exactly 0.5; with jitter 0.5 every wait loses a quarter.
        RandomGenerator half = () -> Long.MIN_VALUE;
        Async.retry(loop).maxAttempts(3).initialDelay(ms(100)).jitter(0.5, half).run(failingUntil(3));

        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(attemptTimes).containsExactly(ms(0), ms(75), ms(225));
    }

    @Test
    void seededJitterGivesTheSameWaitsOnEveryRunAndStaysWithinRange() {
        List<Duration> first = attemptTimesWithSeed(42);
        List<Duration> second = attemptTimesWithSeed(42);

        assertThat(second).isEqualTo(first);
        // Nominal waits 100, 200, 400 ms; jitter 0.3 keeps each in (70%, 100%].
        assertThat(first.get(1)).isGreaterThan(ms(70)).isLessThanOrEqualTo(ms(100));
        Duration secondWait = first.get(2).minus(first.get(1));
        assertThat(secondWait).isGreaterThan(ms(140)).isLessThanOrEqualTo(ms(200));
        Duration thirdWait = first.get(3).minus(first.get(2));
        assertThat(thirdWait).isGreaterThan(ms(280)).isLessThanOrEqualTo(ms(400));
    }

    private List<Duration> attemptTimesWithSeed(long seed) {
        VirtualClock ownClock = VirtualClock.create();
        List<Duration> times = Collections.synchronizedList(new ArrayList<>());
        try (EventLoop ownLoop = EventLoop.builder().name("jitter-" + seed).clock(ownClock).build()) {
            Async.retry(ownLoop).maxAttempts(4).jitter(0.3, new SplittableRandom(seed)).run(() -> {
                times.add(ownClock.elapsed());
                return failedFuture(new IOException("again"));
            });
            ownClock.advanceBy(Duration.ofSeconds(5));
        }
        return List.copyOf(times);
    }

    @Test
    void cancellingTheResultCancelsThePendingWaitAndStartsNoFurtherAttempt() {
        CompletableFuture<String> result = Async.retry(loop)
                .maxAttempts(10).initialDelay(ms(100))
                .run(failingUntil(Integer.MAX_VALUE));
        clock.advanceBy(ms(100));
        assertThat(attemptTimes).hasSize(2);

        result.cancel(false);
        clock.advanceBy(Duration.ofMinutes(10));

        assertThat(attemptTimes).hasSize(2);
    }

    @Test
    void cancellingTheResultCancelsTheAttemptInFlight() {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        CompletableFuture<String> result = Async.retry(loop).run(() -> attempt);

        result.cancel(true);

        assertThat(attempt).isCancelled();
    }

    @Test
    void anOperationThatThrowsCountsAsAFailedAttempt() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> result = Async.retry(loop).maxAttempts(2).run(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalArgumentException("thrown, not returned");
            }
            return completedFuture("second");
        });

        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(result).isCompletedWithValue("second");
    }

    @Test
    void anOperationThatReturnsNullFailsAtOnceNamingTheAttempt() {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> result = Async.retry(loop).maxAttempts(3).run(() -> {
            calls.incrementAndGet();
            return null;
        });

        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(calls).hasValue(1);
        assertThat(causeOf(result)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null instead of a CompletionStage on attempt 1 of 3");
    }

    @Test
    void aSchedulerThatRejectsTheWaitFailsTheRetryWithTheOperationFailuresAttached() {
        ScheduledThreadPoolExecutor stopped = new ScheduledThreadPoolExecutor(1);
        stopped.shutdown();

        CompletableFuture<String> result = Async.retry(stopped).run(() -> failedFuture(new IOException("first")));

        Throwable failure = causeOf(result);
        assertThat(failure).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("could not schedule attempt 2 of 3");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("first");
    }

    @Test
    void aSharedFailureInstanceIsNotAttachedToItself() {
        IOException same = new IOException("same instance every time");
        CompletableFuture<String> result = Async.retry(loop).maxAttempts(3).initialDelay(ms(1))
                .run(() -> failedFuture(same));

        clock.advanceBy(ms(10));

        assertThat(causeOf(result)).isSameAs(same);
        assertThat(same.getSuppressed()).isEmpty();
    }

    @Test
    void callRunsEveryAttemptOnTheGivenExecutor() {
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Integer> result = Async.retry(loop).maxAttempts(3).initialDelay(ms(50))
                .call(() -> {
                    onLoop.add(loop.inEventLoop());
                    if (calls.incrementAndGet() < 3) {
                        throw new IOException("not yet");
                    }
                    return 42;
                }, loop);

        clock.runUntilIdle();
        assertThat(calls).hasValue(1);
        clock.advanceBy(ms(150));

        assertThat(result).isCompletedWithValue(42);
        assertThat(onLoop).containsExactly(true, true, true);
    }

    @Test
    void aCallableAttemptQueuedBehindOtherWorkDoesNotRunOnceTheRetryIsCancelled() throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch release = new CountDownLatch(1);
            worker.execute(() -> awaitUninterruptibly(release));
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<Integer> result = Async.retry(loop).call(calls::incrementAndGet, worker);

            result.cancel(false);
            release.countDown();
            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> { }, worker);
            drained.get(10, TimeUnit.SECONDS);

            assertThat(calls).hasValue(0);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void composesWithTimeoutToRetryAttemptsThatTakeTooLong() {
        AtomicInteger calls = new AtomicInteger();
        List<CompletableFuture<String>> attempts = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> result = Async.retry(loop).maxAttempts(3).initialDelay(ms(100))
                .run(() -> {
                    attemptTimes.add(clock.elapsed());
                    CompletableFuture<String> attempt = new CompletableFuture<>();
                    attempts.add(attempt);
                    if (calls.incrementAndGet() == 3) {
                        attempt.complete("fast enough");
                    }
                    return Async.timeout("sensor read", attempt, ms(500), loop);
                });

        clock.advanceBy(Duration.ofSeconds(5));

        // 500 ms timeout, 100 ms wait, 500 ms timeout, 200 ms wait.
        assertThat(attemptTimes).containsExactly(ms(0), ms(600), ms(1300));
        assertThat(result).isCompletedWithValue("fast enough");
        assertThat(attempts.get(0)).isCancelled();
        assertThat(attempts.get(1)).isCancelled();
    }

    @Test
    void manyRetriesRunConcurrentlyFromManyThreadsWithOneSharedPolicy() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            RetryPolicy policy = Async.retry(scheduler).maxAttempts(3).initialDelay(Duration.ZERO);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<CompletableFuture<Integer>>> started = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int task = i;
                AtomicInteger calls = new AtomicInteger();
                started.add(CompletableFuture.supplyAsync(() -> {
                    awaitUninterruptibly(go);
                    return policy.run(() -> calls.incrementAndGet() < 3
                            ? failedFuture(new IOException("task " + task))
                            : completedFuture(task));
                }, callers));
            }
            go.countDown();

            List<Integer> values = new ArrayList<>();
            for (CompletableFuture<CompletableFuture<Integer>> start : started) {
                values.add(start.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
            }

            assertThat(values).hasSize(200).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(0, 199));
        } finally {
            callers.shutdownNow();
            scheduler.shutdownNow();
        }
    }

    @Test
    void aRealSchedulerRetriesWithoutBlockingTheCaller() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<String> result = Async.retry(scheduler).maxAttempts(5).initialDelay(ms(1))
                    .run(() -> calls.incrementAndGet() < 5
                            ? failedFuture(new TimeoutException("slow"))
                            : completedFuture("done"));

            await().atMost(Duration.ofSeconds(10)).until(result::isDone);
            assertThat(result).isCompletedWithValue("done");
            assertThat(calls).hasValue(5);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void rejectsBadSettingsWithMessagesNamingParameterValueAndRange() {
        RetryPolicy policy = Async.retry(loop);

        assertThatThrownBy(() -> Async.retry(null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry scheduler");
        assertThatThrownBy(() -> policy.maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retry maxAttempts must be >= 1, was 0");
        assertThatThrownBy(() -> policy.initialDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry initialDelay must be a Duration >= 0 (zero or positive), was PT-0.001S");
        assertThatThrownBy(() -> policy.initialDelay(null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry initialDelay");
        assertThatThrownBy(() -> policy.maxDelay(Duration.ofSeconds(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry maxDelay").hasMessageContaining("PT-5S");
        assertThatThrownBy(() -> policy.fixedDelay(null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry fixedDelay");
        assertThatThrownBy(() -> policy.backoff(0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry backoff factor must be a finite number >= 1.0, was 0.5");
        assertThatThrownBy(() -> policy.backoff(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("was NaN");
        assertThatThrownBy(() -> policy.backoff(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("was Infinity");
        assertThatThrownBy(() -> policy.jitter(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry jitter fraction must be in [0.0, 1.0], was 1.5");
        assertThatThrownBy(() -> policy.jitter(0.1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry jitter random");
        assertThatThrownBy(() -> policy.retryOn())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one exception class");
        assertThatThrownBy(() -> policy.retryOn(IOException.class, null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry retryOn types[1]");
        assertThatThrownBy(() -> policy.retryIf(null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry retryIf predicate");
        assertThatThrownBy(() -> policy.run(null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry operation");
        assertThatThrownBy(() -> policy.call(() -> 1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("retry executor");
    }

    @Test
    void everySettingReturnsANewPolicyAndLeavesTheOriginalUnchanged() {
        RetryPolicy defaults = Async.retry(loop);
        RetryPolicy five = defaults.maxAttempts(5).initialDelay(ms(20));

        assertThat(five).isNotSameAs(defaults);
        assertThat(defaults.toString()).contains("maxAttempts=3", "initialDelay=100 ms", "maxDelay=30 s");
        assertThat(five.toString()).contains("maxAttempts=5", "initialDelay=20 ms");
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
