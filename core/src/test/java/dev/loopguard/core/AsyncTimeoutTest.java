package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Async.timeout and Async.completeOnTimeout")
class AsyncTimeoutTest {

    private VirtualClock clock;
    private EventLoop loop;

    @BeforeEach
    void startLoop() {
        clock = VirtualClock.create();
        loop = EventLoop.builder().name("timeout-test").clock(clock).build();
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void failsWithATimeoutExceptionExactlyWhenTheDurationHasPassedAndCancelsTheWork() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = Async.timeout("read sensor 3", work, Duration.ofMillis(500), loop);

        clock.advanceBy(Duration.ofMillis(499));
        assertThat(result).isNotDone();
        clock.advanceBy(Duration.ofMillis(1));

        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(TimeoutException.class)
                .hasMessage("read sensor 3 did not complete within 500 ms (timeout set on thread '"
                        + Thread.currentThread().getName() + "'); it was cancelled");
        assertThat(work).isCancelled();
    }

    @Test
    void withoutADescriptionTheMessageNamesTheCallersThreadAndSourceLine() {
        CompletableFuture<String> result = Async.timeout(new CompletableFuture<String>(), Duration.ofSeconds(2), loop);

        clock.advanceBy(Duration.ofSeconds(2));

        assertThatThrownBy(result::join).cause()
                .isInstanceOf(TimeoutException.class)
                .hasMessageStartingWith("operation did not complete within 2 s (timeout set on thread '"
                        + Thread.currentThread().getName() + "' at dev.loopguard.core.AsyncTimeoutTest."
                        + "withoutADescriptionTheMessageNamesTheCallersThreadAndSourceLine(AsyncTimeoutTest.java:")
                .hasMessageEndingWith("); it was cancelled");
    }

    @Test
    void passesThroughAValueThatArrivesInTimeAndCancelsTheTimer() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = Async.timeout(work, Duration.ofSeconds(1), loop);

        clock.advanceBy(Duration.ofMillis(999));
        work.complete("reading");
        clock.advanceBy(Duration.ofSeconds(10));

        assertThat(result).isCompletedWithValue("reading");
        assertThat(work).isNotCancelled();
    }

    @Test
    void passesThroughAFailureUnwrapped() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletionStage<String> dependent = work.thenApply(value -> value);
        CompletableFuture<String> result = Async.timeout(dependent, Duration.ofSeconds(1), loop);

        IOException failure = new IOException("bus error");
        work.completeExceptionally(failure);

        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).cause().isSameAs(failure);
    }

    @Test
    void cancellingTheResultCancelsTheWork() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = Async.timeout(work, Duration.ofSeconds(1), loop);

        result.cancel(true);
        clock.advanceBy(Duration.ofSeconds(2));

        assertThat(work).isCancelled();
        assertThat(result).isCancelled();
    }

    @Test
    void timesOutAStageThatCannotBeCancelledWithoutTouchingIt() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = Async.timeout(work.minimalCompletionStage(), Duration.ofMillis(10), loop);

        clock.advanceBy(Duration.ofMillis(10));

        assertThatThrownBy(result::join).cause().isInstanceOf(TimeoutException.class);
        assertThat(work).isNotDone();
    }

    @Test
    void completeOnTimeoutGivesTheDefaultValueAndCancelsTheWork() {
        CompletableFuture<Integer> work = new CompletableFuture<>();
        CompletableFuture<Integer> result = Async.completeOnTimeout(work, -1, Duration.ofMillis(250), loop);

        clock.advanceBy(Duration.ofMillis(249));
        assertThat(result).isNotDone();
        clock.advanceBy(Duration.ofMillis(1));

        assertThat(result).isCompletedWithValue(-1);
        assertThat(work).isCancelled();
    }

    @Test
    void completeOnTimeoutKeepsAValueThatArrivesInTime() {
        CompletableFuture<Integer> work = new CompletableFuture<>();
        CompletableFuture<Integer> result = Async.completeOnTimeout(work, -1, Duration.ofMillis(250), loop);

        work.complete(7);
        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(result).isCompletedWithValue(7);
    }

    @Test
    void aNullDefaultValueIsAllowed() {
        CompletableFuture<String> result =
                Async.completeOnTimeout(new CompletableFuture<String>(), null, Duration.ofMillis(5), loop);

        clock.advanceBy(Duration.ofMillis(5));

        assertThat(result).isCompletedWithValue(null);
    }

    @Test
    void aSchedulerThatRejectsTheTimerFailsTheCallAtOnce() {
        ScheduledThreadPoolExecutor stopped = new ScheduledThreadPoolExecutor(1);
        stopped.shutdown();

        assertThatThrownBy(() -> Async.timeout(new CompletableFuture<>(), Duration.ofSeconds(1), stopped))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void rejectsBadArgumentsWithMessagesNamingParameterValueAndRange() {
        CompletableFuture<String> work = new CompletableFuture<>();

        assertThatThrownBy(() -> Async.timeout(work, Duration.ZERO, loop))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout timeout must be a positive Duration (> 0), was PT0S");
        assertThatThrownBy(() -> Async.timeout(work, Duration.ofSeconds(-1), loop))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("was PT-1S");
        assertThatThrownBy(() -> Async.timeout(work, null, loop))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout timeout");
        assertThatThrownBy(() -> Async.timeout(null, Duration.ofSeconds(1), loop))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout stage");
        assertThatThrownBy(() -> Async.timeout(work, Duration.ofSeconds(1), null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout scheduler");
        assertThatThrownBy(() -> Async.timeout(null, work, Duration.ofSeconds(1), loop))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout description");
        assertThatThrownBy(() -> Async.completeOnTimeout(work, "x", Duration.ofNanos(-1), loop))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("completeOnTimeout timeout must be a positive Duration (> 0), was PT-0.000000001S");
    }
}
