package dev.loopguard.core;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("TaskGroup")
@Timeout(60) // a broken close() would block forever; fail instead
class TaskGroupTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private VirtualClock clock;
    private EventLoop loop;
    private ExecutorService pool;

    @BeforeEach
    void start() {
        clock = VirtualClock.create();
        loop = EventLoop.builder().name("group-test").clock(clock).build();
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        loop.close();
    }

    private <T> CompletableFuture<T> after(long millis, T value) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        loop.schedule(() -> stage.complete(value), Duration.ofMillis(millis));
        return stage;
    }

    private <T> CompletableFuture<T> failingAfter(long millis, Throwable failure) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        loop.schedule(() -> stage.completeExceptionally(failure), Duration.ofMillis(millis));
        return stage;
    }

    @Test
    void joinAsyncCompletesWhenTheLastChildHasEnded() {
        TaskGroup group = TaskGroup.open("sensors");
        CompletableFuture<String> a = group.fork(() -> after(100, "a"));
        CompletableFuture<String> b = group.fork(() -> after(300, "b"));
        CompletableFuture<Void> joined = group.joinAsync();

        clock.advanceBy(Duration.ofMillis(299));
        assertThat(joined).isNotDone();
        assertThat(a).isCompletedWithValue("a");
        clock.advanceBy(Duration.ofMillis(1));

        assertThat(joined).isCompletedWithValue(null);
        assertThat(b).isCompletedWithValue("b");
    }

    @Test
    void theFirstFailureCancelsTheOtherChildrenAndIsReportedWithLaterFailuresSuppressed() {
        TaskGroup group = TaskGroup.open("sensors");
        IOException first = new IOException("sensor A offline");
        IllegalStateException late = new IllegalStateException("sensor C broke while stopping");
        CompletableFuture<String> cancellable = new CompletableFuture<>();
        CompletableFuture<String> uncancellable = failingAfter(200, late);

        CompletableFuture<String> a = group.fork(() -> failingAfter(100, first));
        CompletableFuture<String> b = group.fork(() -> cancellable);
        CompletableFuture<String> c = group.fork(() -> uncancellable.minimalCompletionStage());
        CompletableFuture<Void> joined = group.joinAsync();

        clock.advanceBy(Duration.ofMillis(100));
        assertThat(cancellable).isCancelled();
        assertThat(b).isCancelled();
        assertThat(c).isCancelled();
        assertThat(joined).as("c cannot be stopped, so the group still waits for it").isNotDone();
        assertThatThrownBy(() -> group.fork(() -> completedFuture("too late")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TaskGroup 'sensors' is shutting down because a child failed with "
                        + "java.io.IOException: sensor A offline; it cancelled its children and starts no new ones.");

        clock.advanceBy(Duration.ofMillis(100));

        assertThatThrownBy(joined::join).isInstanceOf(CompletionException.class).cause().isSameAs(first);
        assertThat(first.getSuppressed()).containsExactly(late);
        assertThatThrownBy(a::join).cause().isSameAs(first);
    }

    @Test
    void aCancelledChildIsNotAFailure() {
        TaskGroup group = TaskGroup.open();
        CompletableFuture<String> child = group.fork(() -> new CompletableFuture<String>());
        CompletableFuture<String> sibling = group.fork(() -> after(50, "still runs"));

        child.cancel(true);
        CompletableFuture<Void> joined = group.joinAsync();
        clock.advanceBy(Duration.ofMillis(50));

        assertThat(joined).isCompletedWithValue(null);
        assertThat(sibling).isCompletedWithValue("still runs");
    }

    @Test
    void waitsForChildrenForkedByChildrenWhileJoining() {
        TaskGroup group = TaskGroup.open("crawler");
        AtomicReference<CompletableFuture<String>> grandchild = new AtomicReference<>();
        group.fork(() -> after(100, "parent").thenApply(value -> {
            grandchild.set(group.fork(() -> after(100, "grandchild")));
            return value;
        }));
        CompletableFuture<Void> joined = group.joinAsync();

        clock.advanceBy(Duration.ofMillis(100));
        assertThat(grandchild.get()).isNotNull().isNotDone();
        assertThat(joined).isNotDone();
        clock.advanceBy(Duration.ofMillis(100));

        assertThat(grandchild.get()).isCompletedWithValue("grandchild");
        assertThat(joined).isCompletedWithValue(null);
    }

    @Test
    void refusesToForkOnceClosed() {
        TaskGroup group = TaskGroup.open("done");
        group.fork(() -> completedFuture(1));
        group.close();

        assertThatThrownBy(() -> group.fork(() -> completedFuture(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TaskGroup 'done' is closed: every child has ended and no new child may start.");
        assertThatThrownBy(() -> group.fork(() -> 3, pool)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeBlocksUntilEveryChildHasEnded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean childFinished = new AtomicBoolean();
        TaskGroup group = TaskGroup.open("blocking");
        group.fork(() -> {
            release.await();
            childFinished.set(true);
            return "ok";
        }, pool);

        Thread closer = new Thread(group::close, "closer");
        closer.start();
        await().atMost(BOUND).until(() -> closer.getState() == Thread.State.WAITING);
        assertThat(childFinished).isFalse();
        assertThat(closer.isAlive()).isTrue();

        release.countDown();
        closer.join(BOUND.toMillis());

        assertThat(closer.isAlive()).isFalse();
        assertThat(childFinished).isTrue();
    }

    @Test
    void closeThrowsTheFirstFailureWithTheOthersSuppressedWhenNobodyJoined() {
        IOException first = new IOException("first");
        IOException second = new IOException("second");
        CountDownLatch firstFailed = new CountDownLatch(1);

        assertThatThrownBy(() -> {
            try (TaskGroup group = TaskGroup.open("two-failures")) {
                // This child cannot be cancelled, and fails after the group has cancelled it.
                group.fork(() -> CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(firstFailed);
                    throw new CompletionException(second);
                }, pool).minimalCompletionStage());
                group.fork(() -> {
                    throw first;
                }, Runnable::run);
                firstFailed.countDown();
            }
        }).isInstanceOf(CompletionException.class)
                .hasMessage("TaskGroup 'two-failures': a child failed: java.io.IOException: first "
                        + "(1 later failure(s) attached to it as suppressed)")
                .cause().isSameAs(first);
        assertThat(first.getSuppressed()).containsExactly(second);
    }

    @Test
    void aFailureReportedByJoinAsyncIsNotThrownAgainByClose() {
        IOException failure = new IOException("once");
        TaskGroup group = TaskGroup.open();
        group.fork(() -> CompletableFuture.failedFuture(failure));
        CompletableFuture<Void> joined = group.joinAsync();

        group.close();

        assertThatThrownBy(joined::join).cause().isSameAs(failure);
    }

    @Test
    void closeOnAnEventLoopThreadRefusesToBlockCancelsTheChildrenAndSaysWhatToDo() throws Exception {
        TaskGroup group = TaskGroup.open("on-loop");
        CompletableFuture<String> child = group.fork(() -> new CompletableFuture<String>());

        CompletableFuture<Throwable> thrown = loop.submit(() -> {
            try {
                group.close();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        });
        clock.runUntilIdle();

        assertThat(thrown.get(10, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TaskGroup 'on-loop': close() was called on event loop thread '")
                .hasMessageContaining("(loop 'group-test') while 1 child task(s) were still running")
                .hasMessageContaining("chain on group.joinAsync()");
        assertThat(child).isCancelled();
        assertThat(group.joinAsync()).isCompletedWithValue(null);
    }

    @Test
    void closeOnAnEventLoopThreadAfterJoinAsyncCompletedIsFine() throws Exception {
        TaskGroup group = TaskGroup.open("joined-on-loop");
        CompletableFuture<String> child = group.fork(() -> after(10, "x"));
        CompletableFuture<String> closedOnLoop = new CompletableFuture<>();
        group.joinAsync().whenComplete((ok, failure) -> {
            group.close();
            closedOnLoop.complete(Thread.currentThread().getName());
        });

        clock.advanceBy(Duration.ofMillis(10));

        assertThat(child).isCompletedWithValue("x");
        assertThat(closedOnLoop.get(10, TimeUnit.SECONDS)).isEqualTo(loop.name());
    }

    @Test
    void interruptingCloseCancelsTheChildrenWaitsForThemAndRestoresTheFlag() throws Exception {
        CountDownLatch childStarted = new CountDownLatch(1);
        CountDownLatch childMayReturn = new CountDownLatch(1);
        AtomicBoolean childReturned = new AtomicBoolean();
        TaskGroup group = TaskGroup.open("interrupted");
        CompletableFuture<String> child = group.fork(() -> {
            childStarted.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                // A child that cleans up before it returns: the group must wait for it.
                awaitQuietly(childMayReturn);
                childReturned.set(true);
                throw e;
            }
            return "never";
        }, pool);
        childStarted.await();

        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        AtomicBoolean flagRestored = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            try {
                group.close();
            } catch (Throwable e) {
                closeFailure.set(e);
            }
            flagRestored.set(Thread.currentThread().isInterrupted());
        }, "closer");
        closer.start();
        await().atMost(BOUND).until(() -> closer.getState() == Thread.State.WAITING);
        closer.interrupt();

        await().atMost(BOUND).until(child::isCancelled);
        assertThat(closer.isAlive()).as("close() waits for the interrupted child to return").isTrue();
        childMayReturn.countDown();
        closer.join(BOUND.toMillis());

        assertThat(closer.isAlive()).isFalse();
        assertThat(childReturned).isTrue();
        assertThat(closeFailure.get()).isInstanceOf(CancellationException.class)
                .hasMessageContaining("TaskGroup 'interrupted': the thread waiting in close() was interrupted");
        assertThat(flagRestored).isTrue();
    }

    @Test
    void aCallableChildCancelledBeforeItStartsNeverRuns() throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch busy = new CountDownLatch(1);
            single.execute(() -> awaitQuietly(busy));
            AtomicBoolean ran = new AtomicBoolean();
            TaskGroup group = TaskGroup.open();
            CompletableFuture<Boolean> child = group.fork(() -> ran.getAndSet(true), single);

            child.cancel(false);
            CompletableFuture<Void> joined = group.joinAsync();
            assertThat(joined).as("a child that never started has ended").isCompletedWithValue(null);
            busy.countDown();
            CompletableFuture.runAsync(() -> { }, single).get(10, TimeUnit.SECONDS);

            assertThat(ran).isFalse();
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void anInterruptedExceptionAfterCancellationIsNotAFailure() {
        CountDownLatch started = new CountDownLatch(1);
        TaskGroup group = TaskGroup.open();
        CompletableFuture<String> child = group.fork(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return "never";
        }, pool);
        awaitQuietly(started);

        group.cancel();

        assertThat(child).isCancelled();
        group.close();
    }

    @Test
    void theSupplierThrowingOrReturningNullOrTheExecutorRejectingMakesAFailedChild() {
        IllegalStateException thrown = new IllegalStateException("could not start");
        TaskGroup throwing = TaskGroup.open("throwing");
        CompletableFuture<String> child = throwing.fork(() -> {
            throw thrown;
        });
        assertThatThrownBy(child::join).cause().isSameAs(thrown);
        assertThatThrownBy(throwing::close).cause().isSameAs(thrown);

        TaskGroup nulls = TaskGroup.open("nulls");
        nulls.fork(() -> null);
        assertThatThrownBy(nulls::close).cause().isInstanceOf(NullPointerException.class)
                .hasMessage("TaskGroup 'nulls': fork supplier returned null instead of a CompletionStage");

        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        TaskGroup rejected = TaskGroup.open("rejected");
        rejected.fork(() -> 1, stopped);
        assertThatThrownBy(rejected::close).cause().isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void cancellingTheJoinStageCancelsTheGroup() {
        TaskGroup group = TaskGroup.open("cancel-join");
        CompletableFuture<String> child = group.fork(() -> new CompletableFuture<String>());
        CompletableFuture<String> uncancellable = new CompletableFuture<>();
        group.fork(uncancellable::minimalCompletionStage);

        group.joinAsync().cancel(true);

        assertThat(child).isCancelled();
        assertThat(uncancellable).isNotDone();
        assertThatThrownBy(() -> group.fork(() -> completedFuture(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cancel() was called");
    }

    @Test
    void tracksEveryChildForkedConcurrentlyFromManyThreads() throws Exception {
        int threads = 8;
        int perThread = 250;
        TaskGroup group = TaskGroup.open("many");
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService forkers = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Void>> forking = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                forking.add(CompletableFuture.runAsync(() -> {
                    awaitQuietly(go);
                    for (int i = 0; i < perThread; i++) {
                        if (i % 2 == 0) {
                            group.fork(finished::incrementAndGet, pool);
                        } else {
                            group.fork(() -> CompletableFuture.supplyAsync(finished::incrementAndGet, pool));
                        }
                    }
                }, forkers));
            }
            go.countDown();
            CompletableFuture.allOf(forking.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            group.close();

            assertThat(finished).hasValue(threads * perThread);
        } finally {
            forkers.shutdownNow();
        }
    }

    @Test
    void closeWaitsForCallablesThatIgnoreInterruption() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean returned = new AtomicBoolean();
        IOException failure = new IOException("trigger");
        TaskGroup group = TaskGroup.open("stubborn");
        group.fork(() -> {
            started.countDown();
            long spins = 0;
            // Busy, never blocked: interruption throws nothing here. It returns normally once it sees the flag.
            while (!Thread.currentThread().isInterrupted() || spins < 1000) {
                spins++;
                Thread.onSpinWait();
            }
            returned.set(true);
            return spins;
        }, pool);
        started.await();
        group.fork(() -> CompletableFuture.failedFuture(failure));

        assertThatThrownBy(group::close).cause().isSameAs(failure);
        assertThat(returned).as("no child outlives close()").isTrue();
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        TaskGroup group = TaskGroup.open();

        assertThatThrownBy(() -> TaskGroup.open(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("TaskGroup name");
        assertThatThrownBy(() -> TaskGroup.open("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TaskGroup name must not be blank, was '  '");
        assertThatThrownBy(() -> group.fork((java.util.function.Supplier<CompletionStage<String>>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("TaskGroup fork child");
        assertThatThrownBy(() -> group.fork(() -> 1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("TaskGroup fork executor");
        assertThat(group.name()).startsWith("task-group-");
        assertThat(group.toString()).contains("OPEN", "running=0");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("latch not released within " + BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a latch", e);
        }
    }

}
