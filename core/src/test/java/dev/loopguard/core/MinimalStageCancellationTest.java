package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
    void timeoutOfAMinimalStageFailsTheResultAndItsTimerEndsWithoutAnException() throws Exception {
        RecordingScheduler scheduler = new RecordingScheduler();
        try {
            CompletableFuture<String> work = new CompletableFuture<>();

            CompletableFuture<String> result =
                    Async.timeout(work.minimalCompletionStage(), Duration.ofMillis(1), scheduler);

            assertThatThrownBy(result::join).cause().isInstanceOf(TimeoutException.class);
            assertThat(work).isNotDone();
            scheduler.assertEveryTaskEndedWithoutAnException();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void retryCancelledWhileAnAttemptReturnsAMinimalStageStartsNoMoreAndItsTaskEndsWithoutAnException()
            throws Exception {
        RecordingScheduler scheduler = new RecordingScheduler();
        try {
            AtomicReference<CompletableFuture<String>> retry = new AtomicReference<>();
            AtomicInteger attempts = new AtomicInteger();
            CountDownLatch created = new CountDownLatch(1);
            retry.set(Async.retry(scheduler).maxAttempts(5).fixedDelay(Duration.ofMillis(1)).run(() -> {
                if (attempts.incrementAndGet() == 1) {
                    return CompletableFuture.failedFuture(new IOException("first attempt failed"));
                }
                // The caller gives up while this attempt is being started, on the scheduler's thread.
                awaitQuietly(created);
                retry.get().cancel(true);
                return new CompletableFuture<String>().minimalCompletionStage();
            }));
            created.countDown();

            scheduler.assertEveryTaskEndedWithoutAnException();
            assertThat(retry.get()).isCancelled();
            assertThat(attempts).hasValue(2);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A real scheduler that keeps every task it was given, so that a test can see whether a timer or a retry wait
     * ended with an exception: those end up in the task's own future, which no caller reads.
     */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        private final List<RunnableScheduledFuture<?>> tasks = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
            tasks.add(task);
            return task;
        }

        void assertEveryTaskEndedWithoutAnException() throws Exception {
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> !tasks.isEmpty() && tasks.stream().allMatch(RunnableScheduledFuture::isDone));
            for (RunnableScheduledFuture<?> task : tasks) {
                if (!task.isCancelled()) {
                    assertThatCode(task::get).as("a task the utility scheduled").doesNotThrowAnyException();
                }
            }
        }
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
