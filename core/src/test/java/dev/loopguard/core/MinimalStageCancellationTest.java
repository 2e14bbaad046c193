package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JDK's minimal stage ({@code minimalCompletionStage()}) is a {@code Future} whose {@code isDone} and
 * {@code cancel} throw {@link UnsupportedOperationException}. Every utility must leave it to finish and go on
 * cancelling the rest, without an exception escaping to the caller or the loop.
 */
@DisplayName("a minimal stage among the inputs never stops cancellation")
class MinimalStageCancellationTest {

    private final VirtualClock clock = VirtualClock.create();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private final EventLoop loop = EventLoop.builder().name("minimal-stage-test").clock(clock)
            .uncaughtExceptionHandler((thread, error) -> uncaught.add(error)).build();

    @AfterEach
    void closeLoop() {
        loop.close();
        assertThat(uncaught).as("exceptions that escaped to the loop").isEmpty();
    }

    @Test
    void gatherCancelsTheStagesAfterAMinimalOneWhenAnotherFails() {
        CompletableFuture<String> minimal = new CompletableFuture<>();
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<String> other = new CompletableFuture<>();

        CompletableFuture<List<String>> gathered =
                Async.gather(List.of(minimal.minimalCompletionStage(), failing, other));
        failing.completeExceptionally(new IOException("sensor offline"));

        assertThat(gathered).isCompletedExceptionally();
        assertThat(other.isCancelled()).isTrue();
        assertThat(minimal).as("a minimal stage cannot be cancelled; it is left to finish").isNotDone();
    }

    @Test
    void gatherSettledCancelsEveryStageButTheMinimalOneWhenCancelled() {
        CompletableFuture<String> minimal = new CompletableFuture<>();
        CompletableFuture<String> other = new CompletableFuture<>();

        CompletableFuture<List<Outcome<String>>> settled =
                Async.gatherSettled(List.of(minimal.minimalCompletionStage(), other));
        settled.cancel(true);

        assertThat(other.isCancelled()).isTrue();
        assertThat(minimal).isNotDone();
    }

    @Test
    void gatherBoundedCancelsTheRunningStagesAfterAMinimalOneWhenOneFails() {
        CompletableFuture<String> minimal = new CompletableFuture<>();
        CompletableFuture<String> failing = new CompletableFuture<>();
        CompletableFuture<String> other = new CompletableFuture<>();
        List<Supplier<CompletionStage<String>>> tasks =
                List.of(minimal::minimalCompletionStage, () -> failing, () -> other);

        CompletableFuture<List<String>> gathered = Async.gatherBounded(3, tasks);
        failing.completeExceptionally(new IOException("sensor offline"));

        assertThat(gathered).isCompletedExceptionally();
        assertThat(other.isCancelled()).isTrue();
    }

    @Test
    void timeoutOfAMinimalStageFailsTheResultWithoutAnExceptionOnTheLoop() {
        CompletableFuture<String> work = new CompletableFuture<>();

        CompletableFuture<String> result = Async.timeout(work.minimalCompletionStage(), Duration.ofMillis(10), loop);
        clock.advanceBy(Duration.ofMillis(10));

        assertThatThrownBy(result::join).cause().isInstanceOf(TimeoutException.class);
        assertThat(work).isNotDone();
    }

    @Test
    void retryCancelledWhileAnAttemptReturnsAMinimalStageStartsNoMoreAndThrowsNothingOnTheLoop() {
        AtomicReference<CompletableFuture<String>> retry = new AtomicReference<>();
        AtomicInteger attempts = new AtomicInteger();
        retry.set(Async.retry(loop).maxAttempts(5).fixedDelay(Duration.ofMillis(100)).run(() -> {
            if (attempts.incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new IOException("first attempt failed"));
            }
            // The caller gives up while this attempt is being started, on the loop thread.
            retry.get().cancel(true);
            return new CompletableFuture<String>().minimalCompletionStage();
        }));

        clock.advanceBy(Duration.ofSeconds(1));

        assertThat(retry.get()).isCancelled();
        assertThat(attempts).hasValue(2);
    }

    @Test
    void taskGroupForkOfAMinimalStageWhileTheGroupIsCancelledDoesNotThrow() {
        TaskGroup group = TaskGroup.open("sensors");
        CompletableFuture<String> sibling = group.fork(CompletableFuture::new);

        CompletableFuture<String> handle = group.fork(() -> {
            group.cancel();
            return new CompletableFuture<String>().minimalCompletionStage();
        });

        assertThat(handle).isCancelled();
        assertThat(sibling).isCancelled();
    }
}
