package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    private final List<EventLoop> loops = new ArrayList<>();

    /** A task that holds the loop until {@code release} is counted down. */
    private static Runnable awaiting(CountDownLatch release) {
        return () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private EventLoop track(EventLoop loop) {
        loops.add(loop);
        return loop;
    }

    @AfterEach
    void closeLoops() {
        for (EventLoop loop : loops) {
            loop.shutdownNow();
        }
    }

    @Nested
    @DisplayName("running tasks")
    class RunningTasks {

        @Test
        @DisplayName("runs tasks on one thread named loopguard-loop-N that implements EventLoopThread")
        void runsOnNamedLoopThread() throws Exception {
            EventLoop loop = track(EventLoop.create());
            CompletableFuture<Thread> thread = loop.submit(Thread::currentThread);

            Thread loopThread = thread.get(10, TimeUnit.SECONDS);
            assertThat(loopThread.getName()).matches("loopguard-loop-\\d+").isEqualTo(loop.name());
            assertThat(loopThread).isInstanceOf(EventLoopThread.class);
            assertThat(((EventLoopThread) loopThread).eventLoop()).isSameAs(loop);
        }

        @Test
        @DisplayName("knows whether the caller is on the loop, and which loop is current")
        void knowsItsThread() throws Exception {
            EventLoop loop = track(EventLoop.builder().name("pump-loop").build());

            assertThat(loop.inEventLoop()).isFalse();
            assertThat(EventLoop.current()).isEmpty();
            assertThat(loop.submit(loop::inEventLoop).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.submit(() -> EventLoop.current().orElseThrow()).get(10, TimeUnit.SECONDS)).isSameAs(loop);
            assertThat(loop.name()).isEqualTo("pump-loop");
        }

        @Test
        @DisplayName("runs tasks in submission order")
        void runsInOrder() throws Exception {
            EventLoop loop = track(EventLoop.create());
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.execute(() -> order.add(n));
            }
            loop.submit(() -> null).get(10, TimeUnit.SECONDS);

            assertThat(order).hasSize(1000).isSorted();
        }

        @Test
        @DisplayName("completes submit() futures with the result or the failure")
        void submitCompletesFuture() {
            EventLoop loop = track(EventLoop.create());
            CompletableFuture<Integer> ok = loop.submit(() -> 42);
            CompletableFuture<Object> failed = loop.submit(() -> {
                throw new IllegalStateException("boom");
            });

            assertThat(ok).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(42);
            assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(IllegalStateException.class).withMessage("boom");
        }

        @Test
        @DisplayName("runs every task exactly once, in each producer's order, when many threads submit at once")
        void manyProducers() throws Exception {
            EventLoop loop = track(EventLoop.create());
            int producers = 8;
            int perProducer = 5_000;
            List<List<Integer>> seen = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                seen.add(new ArrayList<>());
            }
            ExecutorService pool = Executors.newFixedThreadPool(producers);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    int producer = p;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perProducer; i++) {
                            int n = i;
                            // Only the loop thread touches the lists, so they need no locking.
                            loop.execute(() -> seen.get(producer).add(n));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            loop.submit(() -> null).get(30, TimeUnit.SECONDS);

            List<List<Integer>> snapshot = loop.submit(() -> seen).get(10, TimeUnit.SECONDS);
            for (List<Integer> values : snapshot) {
                assertThat(values).hasSize(perProducer).isSorted();
            }
            assertThat(loop.lag().count()).isGreaterThanOrEqualTo((long) producers * perProducer);
        }

        @Test
        @DisplayName("hands an exception thrown by an execute() task to the thread's handler, and keeps running")
        void uncaughtExceptionsAreReported() throws Exception {
            AtomicReference<Throwable> reported = new AtomicReference<>();
            EventLoop loop = track(EventLoop.builder().uncaughtExceptionHandler((t, e) -> reported.set(e)).build());

            loop.execute(() -> {
                throw new IllegalArgumentException("bad sample");
            });

            assertThat(loop.submit(() -> "still running")).succeedsWithin(Duration.ofSeconds(10));
            assertThat(reported.get()).isInstanceOf(IllegalArgumentException.class).hasMessage("bad sample");
        }

        @Test
        @DisplayName("refuses invokeAll on its own thread, which would deadlock")
        void refusesInvokeAllOnLoop() {
            EventLoop loop = track(EventLoop.create());
            CompletableFuture<Object> attempt = loop.submit(() -> loop.invokeAll(List.of(() -> 1)));

            assertThat(attempt).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(IllegalStateException.class)
                    .withMessageContaining("invokeAll").withMessageContaining(loop.name());
        }
    }

    @Nested
    @DisplayName("on virtual time")
    class VirtualTime {

        @Test
        @DisplayName("runs a task scheduled an hour ahead when the clock is advanced by an hour, not before")
        void oneHourDelay() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            List<java.time.Instant> ranAt = new CopyOnWriteArrayList<>();

            loop.schedule(() -> ranAt.add(clock.instant()), Duration.ofHours(1));
            clock.advanceBy(Duration.ofMinutes(59));
            assertThat(ranAt).isEmpty();
            clock.advanceBy(Duration.ofMinutes(1));

            assertThat(ranAt).containsExactly(VirtualClock.DEFAULT_START.plus(Duration.ofHours(1)));
            assertThat(clock.elapsed()).isEqualTo(Duration.ofHours(1));
        }

        @Test
        @DisplayName("runs a fixed-rate task at each exact virtual instant of a simulated day")
        void fixedRateForADay() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            List<Duration> runs = new ArrayList<>();

            loop.scheduleAtFixedRate(() -> runs.add(clock.elapsed()), Duration.ZERO, Duration.ofMinutes(1));
            clock.advanceBy(Duration.ofDays(1));

            assertThat(runs).hasSize(24 * 60 + 1);
            for (int i = 0; i < runs.size(); i++) {
                assertThat(runs.get(i)).isEqualTo(Duration.ofMinutes(i));
            }
        }

        @Test
        @DisplayName("measures a fixed delay from the end of each run")
        void fixedDelay() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            List<Duration> runs = new ArrayList<>();

            ScheduledFuture<?> task = loop.scheduleWithFixedDelay(() -> runs.add(clock.elapsed()),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));
            clock.advanceBy(Duration.ofSeconds(35));

            assertThat(runs).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(25),
                    Duration.ofSeconds(35));
            assertThat(((java.util.concurrent.RunnableScheduledFuture<?>) task).isPeriodic()).isTrue();
            assertThat(task.getDelay(TimeUnit.SECONDS)).isEqualTo(10);
        }

        @Test
        @DisplayName("runs ahead through a day of 10-second deadlines on one loop, keeping every task's exact time")
        void runsAheadOnOneLoop() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            List<Duration> fast = new ArrayList<>();
            List<Duration> slow = new ArrayList<>();

            loop.scheduleAtFixedRate(() -> fast.add(clock.elapsed()), Duration.ofSeconds(10), Duration.ofSeconds(10));
            loop.scheduleAtFixedRate(() -> slow.add(clock.elapsed()), Duration.ofSeconds(7), Duration.ofHours(1));
            clock.advanceBy(Duration.ofDays(1));

            assertThat(fast).hasSize(8640);
            for (int i = 0; i < fast.size(); i++) {
                assertThat(fast.get(i)).isEqualTo(Duration.ofSeconds(10L * (i + 1)));
            }
            assertThat(slow).hasSize(24).first().isEqualTo(Duration.ofSeconds(7));
            assertThat(clock.elapsed()).isEqualTo(Duration.ofDays(1));
        }

        @Test
        @DisplayName("waits for an offloaded call before running ahead past it")
        void runAheadWaitsForOffload() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            List<String> log = new CopyOnWriteArrayList<>();
            CountDownLatch release = new CountDownLatch(1);

            loop.schedule(() -> loop.offload(() -> {
                release.await();
                return "io";
            }).thenAccept(v -> log.add(v + "@" + clock.elapsed().toSeconds())), Duration.ofSeconds(1));
            loop.schedule(() -> log.add("timer@" + clock.elapsed().toSeconds()), Duration.ofSeconds(5));
            CompletableFuture<Void> advancing = CompletableFuture.runAsync(() -> clock.advanceBy(Duration.ofSeconds(10)),
                    Executors.newSingleThreadExecutor());
            await().atMost(Duration.ofSeconds(10)).until(() -> clock.elapsed().equals(Duration.ofSeconds(1)));
            assertThat(advancing).isNotDone();
            release.countDown();

            assertThat(advancing).succeedsWithin(Duration.ofSeconds(10));
            assertThat(log).containsExactly("io@1", "timer@5");
        }

        @Test
        @DisplayName("runs tasks that tasks schedule, in deadline order, across several loops on one clock")
        void chainedAcrossLoops() {
            VirtualClock clock = VirtualClock.create();
            EventLoop first = track(EventLoop.builder().clock(clock).name("first").build());
            EventLoop second = track(EventLoop.builder().clock(clock).name("second").build());
            List<String> log = new CopyOnWriteArrayList<>();

            first.schedule(() -> {
                log.add("first@" + clock.elapsed().toSeconds());
                second.schedule(() -> log.add("second@" + clock.elapsed().toSeconds()), Duration.ofSeconds(3));
            }, Duration.ofSeconds(2));
            second.schedule(() -> log.add("second@" + clock.elapsed().toSeconds()), Duration.ofSeconds(4));
            clock.advanceBy(Duration.ofSeconds(10));

            assertThat(log).containsExactly("first@2", "second@4", "second@5");
        }

        @Test
        @DisplayName("stops a periodic task that throws and fails its future with the exception")
        void periodicFailureStops() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            loop.submit(() -> {
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> { });
                return null;
            }).join();
            AtomicInteger runs = new AtomicInteger();

            ScheduledFuture<?> task = loop.scheduleAtFixedRate(() -> {
                if (runs.incrementAndGet() == 3) {
                    throw new IllegalStateException("sensor gone");
                }
            }, Duration.ofSeconds(1), Duration.ofSeconds(1));
            clock.advanceBy(Duration.ofSeconds(10));

            assertThat(runs).hasValue(3);
            assertThat(task.isDone()).isTrue();
            assertThatThrownBy(task::get).hasCauseInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("does not run a cancelled scheduled task")
        void cancelledTaskDoesNotRun() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            AtomicInteger runs = new AtomicInteger();

            ScheduledFuture<?> task = loop.schedule(runs::incrementAndGet, Duration.ofSeconds(1));
            assertThat(task.cancel(false)).isTrue();
            clock.advanceBy(Duration.ofSeconds(2));

            assertThat(runs).hasValue(0);
            assertThat(task.isCancelled()).isTrue();
        }

        @Test
        @DisplayName("purges cancelled timers long before their deadline, so many short-lived timeouts hold no memory")
        void purgesCancelledTimers() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            for (int i = 0; i < 1000; i++) {
                loop.schedule(() -> { }, Duration.ofHours(1)).cancel(false);
            }
            ScheduledFuture<?> live = loop.schedule(() -> { }, Duration.ofHours(1));
            clock.runUntilIdle();

            int queued = loop.submit(loop::scheduledQueueSize).join();
            assertThat(queued).isLessThan(64 + 1);
            assertThat(live.isDone()).isFalse();
        }

        @Test
        @DisplayName("waits in runUntilIdle for an offloaded call and its completion on the loop")
        void runUntilIdleWaitsForOffload() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            AtomicReference<String> completedOn = new AtomicReference<>();

            loop.execute(() -> loop.offload(() -> "reading")
                    .thenRun(() -> completedOn.set(Thread.currentThread().getName())));
            clock.runUntilIdle();

            assertThat(completedOn.get()).isEqualTo(loop.name());
        }

        @Test
        @DisplayName("fails a step that cannot become idle, naming the loop, instead of hanging")
        void idleTimeout() {
            VirtualClock clock = VirtualClock.create().idleTimeout(Duration.ofMillis(200));
            EventLoop loop = track(EventLoop.builder().clock(clock).name("stuck-loop").build());
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(awaiting(release));
            try {
                assertThatThrownBy(() -> clock.advanceBy(Duration.ofSeconds(1)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("stuck-loop").hasMessageContaining("did not become idle");
            } finally {
                release.countDown();
            }
        }

        @Test
        @DisplayName("refuses to be advanced from one of its own loop threads")
        void refusesAdvanceFromLoop() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).name("ticker").build());

            CompletableFuture<Object> attempt = loop.submit(() -> {
                clock.advanceBy(Duration.ofSeconds(1));
                return null;
            });

            assertThat(attempt).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(IllegalStateException.class).withMessageContaining("ticker");
        }

        @Test
        @DisplayName("rejects negative steps and targets in the past, naming the value")
        void rejectsBadSteps() {
            VirtualClock clock = VirtualClock.create();
            clock.advanceBy(Duration.ofSeconds(5));

            assertThatThrownBy(() -> clock.advanceBy(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
            assertThatThrownBy(() -> clock.advanceTo(VirtualClock.DEFAULT_START))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be before");
            assertThatThrownBy(() -> clock.idleTimeout(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
            assertThatThrownBy(() -> clock.advanceBy(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("amount");
        }

        @Test
        @DisplayName("reports the virtual instant and advances to an absolute instant")
        void advanceTo() {
            VirtualClock clock = VirtualClock.startingAt(java.time.Instant.parse("2026-11-21T11:27:11Z"));
            clock.advanceTo(java.time.Instant.parse("2026-11-21T12:00:00Z"));

            assertThat(clock.instant()).isEqualTo(java.time.Instant.parse("2026-11-21T12:00:00Z"));
            assertThat(clock.isVirtual()).isTrue();
            assertThat(LoopClock.system().isVirtual()).isFalse();
        }
    }

    @Nested
    @DisplayName("offload")
    class Offload {

        @Test
        @DisplayName("runs the blocking call on a worker thread and completes the future on the loop")
        void offloadRunsOffLoop() throws Exception {
            EventLoop loop = track(EventLoop.builder().name("io-loop").build());
            AtomicReference<String> callThread = new AtomicReference<>();

            // The dependent stage is attached on the loop, before the completion (which queues behind this task).
            CompletableFuture<String> completionThread = loop.submit(() -> loop.offload(() -> {
                callThread.set(Thread.currentThread().getName());
                return "value";
            }).thenApply(v -> Thread.currentThread().getName())).thenCompose(f -> f);

            assertThat(completionThread.get(10, TimeUnit.SECONDS)).isEqualTo("io-loop");
            assertThat(callThread.get()).startsWith("io-loop-offload-");
        }

        @Test
        @DisplayName("fails fast, naming the limits, when the worker pool and its queue are full")
        void offloadRejectsWhenFull() {
            EventLoop loop = track(EventLoop.builder().offloadThreads(1).offloadQueueCapacity(1).build());
            CountDownLatch release = new CountDownLatch(1);
            try {
                CompletableFuture<Object> running = loop.offload(() -> {
                    release.await();
                    return null;
                });
                CompletableFuture<Object> queued = loop.offload(() -> null);
                CompletableFuture<Object> rejected = loop.offload(() -> null);

                assertThat(rejected).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                        .havingCause().isInstanceOf(RejectedExecutionException.class)
                        .withMessageContaining("1 offload threads are busy").withMessageContaining("offloadThreads");
                release.countDown();
                assertThat(running).succeedsWithin(Duration.ofSeconds(10));
                assertThat(queued).succeedsWithin(Duration.ofSeconds(10));
            } finally {
                release.countDown();
            }
        }

        @Test
        @DisplayName("tells offloaded code which loop it runs for, and nobody else")
        void offloadingLoop() {
            EventLoop loop = track(EventLoop.create());

            assertThat(loop.offload(EventLoop::offloadingLoop)).succeedsWithin(Duration.ofSeconds(10))
                    .isEqualTo(java.util.Optional.of(loop));
            assertThat(loop.submit(EventLoop::offloadingLoop)).succeedsWithin(Duration.ofSeconds(10))
                    .isEqualTo(java.util.Optional.empty());
            assertThat(EventLoop.offloadingLoop()).isEmpty();
        }

        @Test
        @DisplayName("passes the blocking call's exception to the future")
        void offloadFailure() {
            EventLoop loop = track(EventLoop.create());
            CompletableFuture<Object> failed = loop.offload(() -> {
                throw new java.io.IOException("i2c bus error");
            });

            assertThat(failed).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(java.io.IOException.class).withMessage("i2c bus error");
        }
    }

    @Nested
    @DisplayName("lag")
    class Lag {

        @Test
        @DisplayName("is zero before any task and counts every task")
        void emptyThenCounted() throws Exception {
            EventLoop loop = track(EventLoop.create());
            assertThat(loop.lag()).isEqualTo(LagStats.empty());
            for (int i = 0; i < 10; i++) {
                loop.submit(() -> null).get(10, TimeUnit.SECONDS);
            }
            assertThat(loop.lag().count()).isEqualTo(10);
        }

        @Test
        @DisplayName("shows how long a task waited behind a slow one")
        void lagGrowsBehindSlowTask() throws Exception {
            EventLoop loop = track(EventLoop.create());
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started.await(10, TimeUnit.SECONDS);
            CompletableFuture<Object> waiting = loop.submit(() -> null);
            long submitted = System.nanoTime(); // the task was due no later than this
            // Let some real time pass while the loop is busy; how much does not matter.
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - submitted > 5_000_000);
            long released = System.nanoTime();
            release.countDown();
            waiting.get(10, TimeUnit.SECONDS);

            LagStats lag = loop.lag();
            assertThat(lag.max()).isGreaterThanOrEqualTo(Duration.ofNanos(released - submitted));
            assertThat(lag.p99()).isLessThanOrEqualTo(lag.max());
            assertThat(lag.mean()).isLessThanOrEqualTo(lag.max());
        }

        @Test
        @DisplayName("is zero for scheduled tasks that start exactly on time on virtual time")
        void virtualTimeLagIsZero() {
            VirtualClock clock = VirtualClock.create();
            EventLoop loop = track(EventLoop.builder().clock(clock).build());
            loop.scheduleAtFixedRate(() -> { }, Duration.ofSeconds(1), Duration.ofSeconds(1));
            clock.advanceBy(Duration.ofMinutes(1));

            assertThat(loop.lag().count()).isEqualTo(60);
            assertThat(loop.lag().max()).isZero();
        }
    }

    @Nested
    @DisplayName("closing")
    class Closing {

        @Test
        @DisplayName("runs queued tasks, then cancels and hands back the scheduled ones that were not due")
        void runQueuedPolicy() throws Exception {
            List<List<Runnable>> handedBack = new CopyOnWriteArrayList<>();
            EventLoop loop = EventLoop.builder().onUnrunTasks(handedBack::add).build();
            CountDownLatch gate = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            loop.execute(awaiting(gate));
            for (int i = 0; i < 5; i++) {
                loop.execute(ran::incrementAndGet);
            }
            ScheduledFuture<?> later = loop.schedule(ran::incrementAndGet, Duration.ofHours(1));
            gate.countDown();

            List<Runnable> unrun = loop.shutdownGracefully();

            assertThat(ran).hasValue(5);
            assertThat(unrun).containsExactly((Runnable) later);
            assertThat(later.isCancelled()).isTrue();
            assertThat(loop.isTerminated()).isTrue();
            assertThat(handedBack).isEmpty();
        }

        @Test
        @DisplayName("with CANCEL_QUEUED runs nothing more and cancels every queued future")
        void cancelQueuedPolicy() throws Exception {
            EventLoop loop = EventLoop.builder().closePolicy(ClosePolicy.CANCEL_QUEUED).build();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch gate = new CountDownLatch(1);
            loop.execute(() -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started.await(10, TimeUnit.SECONDS);
            CompletableFuture<String> queued = loop.submit(() -> "never");

            CompletableFuture<List<Runnable>> closing = CompletableFuture.supplyAsync(loop::shutdownGracefully,
                    Executors.newSingleThreadExecutor());
            await().atMost(Duration.ofSeconds(10)).until(loop::isShutdown);
            gate.countDown();

            assertThat(closing.get(10, TimeUnit.SECONDS)).hasSize(1);
            assertThat(queued).isCancelled();
            assertThatThrownBy(queued::join).isInstanceOf(CancellationException.class);
        }

        @Test
        @DisplayName("close() hands tasks that did not run to onUnrunTasks instead of dropping them")
        void closeHandsBack() {
            List<Runnable> handedBack = new CopyOnWriteArrayList<>();
            EventLoop loop = EventLoop.builder().onUnrunTasks(handedBack::addAll).build();
            loop.schedule(() -> { }, Duration.ofMinutes(5));

            loop.close();

            assertThat(handedBack).hasSize(1);
            assertThat(handedBack.get(0).toString()).contains("scheduled task");
        }

        @Test
        @DisplayName("shutdownNow returns the tasks that never started, not cancelled, so they can run elsewhere")
        void shutdownNowReturnsTasks() throws Exception {
            EventLoop loop = EventLoop.create();
            CountDownLatch started = new CountDownLatch(1);
            loop.execute(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started.await(10, TimeUnit.SECONDS);
            CompletableFuture<String> pending = loop.submit(() -> "later");

            List<Runnable> unrun = loop.shutdownNow();

            assertThat(unrun).hasSize(1);
            assertThat(pending).isNotDone();
            unrun.get(0).run();
            assertThat(pending).isCompletedWithValue("later");
        }

        @Test
        @DisplayName("rejects work after close with a message naming the loop")
        void rejectsAfterClose() {
            EventLoop loop = EventLoop.builder().name("closed-loop").build();
            loop.close();

            assertThatThrownBy(() -> loop.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("closed-loop").hasMessageContaining("terminated");
            assertThatThrownBy(() -> loop.schedule(() -> { }, Duration.ofSeconds(1)))
                    .isInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(() -> loop.offload(() -> 1)).isInstanceOf(RejectedExecutionException.class);
            loop.close(); // idempotent
        }

        @Test
        @DisplayName("refuses to close itself from its own thread, which would wait for itself")
        void refusesCloseFromLoop() {
            EventLoop loop = track(EventLoop.create());
            CompletableFuture<Object> attempt = loop.submit(() -> {
                loop.close();
                return null;
            });

            assertThat(attempt).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(IllegalStateException.class).withMessageContaining("wait for itself");
        }

        @Test
        @DisplayName("says which task is stuck when it does not stop within the close timeout")
        void closeTimeout() {
            EventLoop loop = EventLoop.builder().closeTimeout(Duration.ofMillis(200)).name("slow-loop").build();
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(awaiting(release));
            try {
                assertThatThrownBy(loop::close).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("slow-loop").hasMessageContaining("did not stop within");
            } finally {
                release.countDown();
            }
        }

        @Test
        @DisplayName("accepts no task between shutdown and termination, and loses none accepted before")
        void concurrentSubmitAndClose() throws Exception {
            for (int round = 0; round < 20; round++) {
                EventLoop loop = EventLoop.builder().onUnrunTasks(tasks -> { }).build();
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger ran = new AtomicInteger();
                ExecutorService producer = Executors.newSingleThreadExecutor();
                Future<?> producing = producer.submit(() -> {
                    while (true) {
                        try {
                            loop.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (RejectedExecutionException e) {
                            return;
                        }
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() > 100);
                List<Runnable> unrun = loop.shutdownGracefully();
                producing.get(10, TimeUnit.SECONDS);
                producer.shutdown();

                assertThat(ran.get() + unrun.size()).isEqualTo(accepted.get());
            }
        }
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {

        @Test
        @DisplayName("names the parameter and the value")
        void builderValidation() {
            assertThatThrownBy(() -> EventLoop.builder().offloadThreads(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("EventLoop offloadThreads must be >= 1, was 0");
            assertThatThrownBy(() -> EventLoop.builder().offloadQueueCapacity(-3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("EventLoop offloadQueueCapacity must be >= 1, was -3");
            assertThatThrownBy(() -> EventLoop.builder().closeTimeout(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closeTimeout must be positive");
            assertThatThrownBy(() -> EventLoop.builder().name(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name must not be blank");
            assertThatThrownBy(() -> EventLoop.builder().clock(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("clock");
        }

        @Test
        @DisplayName("rejects zero and negative periods and null tasks")
        void schedulingValidation() {
            EventLoop loop = track(EventLoop.create());
            assertThatThrownBy(() -> loop.scheduleAtFixedRate(() -> { }, Duration.ZERO, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("EventLoop period must be positive, was PT0S");
            assertThatThrownBy(() -> loop.scheduleWithFixedDelay(() -> { }, 0, -5, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay must be positive");
            assertThatThrownBy(() -> loop.execute(null)).isInstanceOf(NullPointerException.class).hasMessage("task");
            assertThatThrownBy(() -> loop.schedule((Runnable) () -> { }, (Duration) null))
                    .isInstanceOf(NullPointerException.class).hasMessage("delay");
        }
    }
}
