package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ControllerRunnerTest {

    private static final Instant T0 = VirtualClock.DEFAULT_START;

    private final VirtualClock clock = VirtualClock.create();
    private final EventLoop loop = EventLoop.builder().name("controllers-test").clock(clock).build();
    private final ControllerRunner runner = ControllerRunner.on(loop);

    @AfterEach
    void closeLoop() {
        loop.shutdownNow();
    }

    /** A controller whose asynchronous iterations the test completes by hand. */
    static final class ManualController implements Controller {
        final List<Instant> starts = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> iterations = new CopyOnWriteArrayList<>();
        final LoopClock clock;

        ManualController(LoopClock clock) {
            this.clock = clock;
        }

        @Override
        public CompletionStage<Void> loopAsync() {
            starts.add(clock.instant());
            CompletableFuture<Void> iteration = new CompletableFuture<>();
            iterations.add(iteration);
            return iteration;
        }

        CompletableFuture<Void> last() {
            return iterations.get(iterations.size() - 1);
        }
    }

    /** An asynchronous controller that completes at once, failing when told to. */
    static final class CountingController implements Controller {
        final List<Instant> starts = new CopyOnWriteArrayList<>();
        final LoopClock clock;
        volatile boolean failing;
        final AtomicInteger initializes = new AtomicInteger();
        final AtomicInteger startCalls = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();

        CountingController(LoopClock clock) {
            this.clock = clock;
        }

        @Override
        public CompletionStage<Void> initializeAsync() {
            initializes.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> startAsync() {
            startCalls.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> loopAsync() {
            starts.add(clock.instant());
            if (failing) {
                throw new IllegalStateException("sensor 7 did not answer");
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stopAsync() {
            stops.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private <T> T done(CompletableFuture<T> future) throws Exception {
        clock.runUntilIdle();
        assertThat(future).isDone();
        return future.get();
    }

    private Health health(String name) throws Exception {
        return done(runner.healthCheck(name));
    }

    @Nested
    @DisplayName("periods")
    class Periods {

        @Test
        @DisplayName("runs the first iteration at start and then one per period, on virtual time")
        void runsEveryPeriod() throws Exception {
            CountingController sampler = new CountingController(clock);
            runner.register("sampler", sampler, Duration.ofMinutes(10));

            done(runner.start("sampler"));
            clock.advanceBy(Duration.ofHours(1));

            assertThat(sampler.starts).containsExactly(at(0), at(600), at(1200), at(1800), at(2400), at(3000),
                    at(3600));
            Health health = health("sampler");
            assertThat(health.status()).isEqualTo(Health.Status.UP);
            assertThat(health.reason()).isEqualTo("ok");
            assertThat(health.loops().count()).isEqualTo(7);
            assertThat(health.loops().skipped()).isZero();
        }

        @Test
        @DisplayName("skips a period while the previous iteration still runs, and never runs it late")
        void skipsMissedPeriods() throws Exception {
            ManualController slow = new ManualController(clock);
            runner.register("slow", slow, Duration.ofSeconds(10));
            done(runner.start("slow"));

            clock.advanceBy(Duration.ofSeconds(35));
            assertThat(slow.starts).containsExactly(at(0));
            assertThat(health("slow").loops().skipped()).isEqualTo(3);

            slow.last().complete(null);
            clock.runUntilIdle();
            assertThat(slow.starts).as("the skipped periods are not made up for").containsExactly(at(0));

            clock.advanceBy(Duration.ofSeconds(5));
            assertThat(slow.starts).as("the next iteration keeps to the period grid").containsExactly(at(0), at(40));
            LoopStatistics loops = health("slow").loops();
            assertThat(loops.count()).isEqualTo(1);
            assertThat(loops.skipped()).isEqualTo(3);
            assertThat(loops.last()).isEqualTo(Duration.ofSeconds(35));
        }

        @Test
        @DisplayName("keeps count, last, mean and max duration of iterations")
        void keepsDurationStatistics() throws Exception {
            ManualController timed = new ManualController(clock);
            runner.register("timed", timed, Duration.ofSeconds(10));
            done(runner.start("timed"));

            clock.advanceBy(Duration.ofSeconds(2));
            timed.last().complete(null);
            clock.advanceBy(Duration.ofSeconds(8));
            clock.advanceBy(Duration.ofSeconds(6));
            timed.last().complete(null);
            clock.advanceBy(Duration.ofSeconds(4));
            clock.advanceBy(Duration.ofSeconds(1));
            timed.last().complete(null);
            clock.runUntilIdle();

            LoopStatistics loops = health("timed").loops();
            assertThat(loops).isEqualTo(new LoopStatistics(3, 0, Duration.ofSeconds(1), Duration.ofSeconds(3),
                    Duration.ofSeconds(6)));
        }

        @Test
        @DisplayName("runs many controllers with different periods on one loop")
        void runsManyControllersOnOneLoop() throws Exception {
            CountingController fast = new CountingController(clock);
            CountingController slow = new CountingController(clock);
            ManualController stuck = new ManualController(clock);
            runner.register("fast", fast, Duration.ofSeconds(1))
                    .register("slow", slow, Duration.ofMinutes(1))
                    .register("stuck", stuck, Duration.ofSeconds(5));

            done(runner.startAll());
            clock.advanceBy(Duration.ofMinutes(5));

            assertThat(fast.starts).hasSize(301);
            assertThat(slow.starts).hasSize(6);
            assertThat(stuck.starts).hasSize(1);
            Map<String, Health> all = done(runner.healthCheckAll());
            assertThat(all).containsOnlyKeys("fast", "slow", "stuck");
            assertThat(all.get("stuck").loops().skipped()).isEqualTo(60);
            assertThat(all.get("fast").loops().count()).isEqualTo(301);
        }
    }

    @Nested
    @DisplayName("failures")
    class Failures {

        @Test
        @DisplayName("records a failing iteration with its stack trace and carries on at the next period")
        void recordsFailureAndCarriesOn() throws Exception {
            CountingController flaky = new CountingController(clock);
            runner.register("flaky", flaky, Duration.ofSeconds(10));
            done(runner.start("flaky"));

            flaky.failing = true;
            clock.advanceBy(Duration.ofSeconds(10));
            Health degraded = health("flaky");
            assertThat(degraded.status()).isEqualTo(Health.Status.DEGRADED);
            assertThat(degraded.reason()).isEqualTo("1 consecutive loop failure (DOWN at 3)");
            assertThat(degraded.consecutiveFailures()).isEqualTo(1);
            RecordedFailure error = degraded.lastError().orElseThrow();
            assertThat(error.at()).isEqualTo(at(10));
            assertThat(error.phase()).isEqualTo("loop");
            assertThat(error.summary()).isEqualTo("java.lang.IllegalStateException: sensor 7 did not answer");
            assertThat(error.stackTrace()).contains("at dev.loopguard.core.ControllerRunnerTest$CountingController"
                    + ".loopAsync(");

            flaky.failing = false;
            clock.advanceBy(Duration.ofSeconds(10));
            Health recovered = health("flaky");
            assertThat(flaky.starts).containsExactly(at(0), at(10), at(20));
            assertThat(recovered.status()).isEqualTo(Health.Status.UP);
            assertThat(recovered.consecutiveFailures()).isZero();
            assertThat(recovered.failures()).isEqualTo(1);
            assertThat(recovered.lastError()).as("kept as evidence").contains(error);
        }

        @Test
        @DisplayName("is DOWN after failuresUntilDown consecutive failures")
        void downAfterConsecutiveFailures() throws Exception {
            ControllerRunner strict = ControllerRunner.builder(loop).failuresUntilDown(2).build();
            CountingController broken = new CountingController(clock);
            broken.failing = true;
            strict.register("broken", broken, Duration.ofSeconds(1));
            done(strict.start("broken"));
            assertThat(done(strict.healthCheck("broken")).status()).isEqualTo(Health.Status.DEGRADED);

            clock.advanceBy(Duration.ofSeconds(1));
            Health down = done(strict.healthCheck("broken"));
            assertThat(down.status()).isEqualTo(Health.Status.DOWN);
            assertThat(down.reason()).isEqualTo("2 consecutive loop failures (DOWN at 2)");
        }

        @Test
        @DisplayName("doubles the period after each consecutive failure up to the maximum, and resets on success")
        void backsOff() throws Exception {
            CountingController broken = new CountingController(clock);
            broken.failing = true;
            runner.register("broken", broken, Duration.ofSeconds(10),
                    LoopBackoff.exponential(2, Duration.ofSeconds(60)));
            done(runner.start("broken"));

            clock.advanceBy(Duration.ofSeconds(180));
            assertThat(broken.starts).containsExactly(at(0), at(20), at(60), at(120), at(180));
            assertThat(health("broken").currentPeriod()).isEqualTo(Duration.ofSeconds(60));

            broken.failing = false;
            clock.advanceBy(Duration.ofSeconds(60 + 20));
            assertThat(broken.starts).containsExactly(at(0), at(20), at(60), at(120), at(180), at(240), at(250),
                    at(260));
            Health health = health("broken");
            assertThat(health.currentPeriod()).isEqualTo(Duration.ofSeconds(10));
            assertThat(health.failures()).isEqualTo(5);
            assertThat(health.loops().skipped()).as("a back-off is not a skipped period").isZero();
        }

        @Test
        @DisplayName("fails start with an error naming the controller when initialize fails")
        void failingInitializeFailsStart() throws Exception {
            Controller unplugged = new Controller() {
                @Override
                public CompletionStage<Void> initializeAsync() {
                    return CompletableFuture.failedFuture(new IOException("/dev/ttyUSB0 not found"));
                }

                @Override
                public CompletionStage<Void> loopAsync() {
                    throw new AssertionError("must not loop when initialize failed");
                }
            };
            runner.register("serial-probe", unplugged, Duration.ofSeconds(1));

            CompletableFuture<Void> start = runner.start("serial-probe");
            clock.runUntilIdle();

            assertThat(start).isCompletedExceptionally();
            assertThatThrownBy(start::join).cause()
                    .isInstanceOf(ControllerFailedException.class)
                    .hasMessage("controller 'serial-probe' failed in initialize(): java.io.IOException: "
                            + "/dev/ttyUSB0 not found; starting it was aborted and it is now FAILED. Fix the cause "
                            + "and call start(\"serial-probe\") again.")
                    .hasCauseInstanceOf(IOException.class);
            assertThat(runner.state("serial-probe")).isEqualTo(ControllerState.FAILED);
            Health health = health("serial-probe");
            assertThat(health.status()).isEqualTo(Health.Status.DOWN);
            assertThat(health.reason()).isEqualTo("not running (state FAILED)");
            assertThat(health.lastError().orElseThrow().phase()).isEqualTo("initialize");
            clock.advanceBy(Duration.ofSeconds(5));
        }

        @Test
        @DisplayName("startAll fails with the first failed initialize and attaches the others, the rest keep running")
        void startAllReportsEveryFailure() throws Exception {
            CountingController healthy = new CountingController(clock);
            runner.register("first", failingInitialize("no port"), Duration.ofSeconds(1))
                    .register("healthy", healthy, Duration.ofSeconds(1))
                    .register("second", failingInitialize("no bus"), Duration.ofSeconds(1));

            CompletableFuture<Void> all = runner.startAll();
            clock.runUntilIdle();

            assertThatThrownBy(all::join).cause().isInstanceOf(ControllerFailedException.class)
                    .hasMessageStartingWith("controller 'first' failed in initialize(): java.io.IOException: no port")
                    .satisfies(error -> assertThat(error.getSuppressed()).singleElement()
                            .isInstanceOf(ControllerFailedException.class)
                            .extracting(Throwable::getMessage).asString()
                            .startsWith("controller 'second' failed in initialize()"));
            assertThat(runner.state("healthy")).isEqualTo(ControllerState.RUNNING);
            assertThat(runner.state("first")).isEqualTo(ControllerState.FAILED);
            assertThat(healthy.starts).containsExactly(at(0));
        }

        private Controller failingInitialize(String message) {
            return new Controller() {
                @Override
                public void initialize() throws IOException {
                    throw new IOException(message);
                }

                @Override
                public CompletionStage<Void> loopAsync() {
                    return CompletableFuture.completedFuture(null);
                }
            };
        }

        @Test
        @DisplayName("treats a loopAsync that returns null as a failed iteration with a clear message")
        void nullStageIsAFailure() throws Exception {
            Controller careless = new Controller() {
                @Override
                public CompletionStage<Void> loopAsync() {
                    return null;
                }
            };
            runner.register("careless", careless, Duration.ofSeconds(1));
            done(runner.start("careless"));

            assertThat(health("careless").lastError().orElseThrow().summary())
                    .contains(".loopAsync() of controller 'careless' returned null; return a CompletionStage");
        }
    }

    @Nested
    @DisplayName("threads")
    class Threads {

        @Test
        @DisplayName("calls plain methods off the loop thread and asynchronous ones on it")
        void plainOffLoopAsyncOnLoop() throws Exception {
            ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
            Controller mixed = new Controller() {
                @Override
                public void initialize() {
                    calls.add("initialize on loop: " + loop.inEventLoop());
                }

                @Override
                public CompletionStage<Void> startAsync() {
                    calls.add("startAsync on loop: " + loop.inEventLoop());
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void loop() {
                    calls.add("loop on loop: " + loop.inEventLoop() + ", on a loop thread: "
                            + (Thread.currentThread() instanceof EventLoopThread));
                }

                @Override
                public Health.Status healthCheck() {
                    calls.add("healthCheck on loop: " + loop.inEventLoop());
                    return Health.Status.DEGRADED;
                }

                @Override
                public void stop() {
                    calls.add("stop on loop: " + loop.inEventLoop());
                }
            };
            runner.register("mixed", mixed, Duration.ofSeconds(1));

            done(runner.start("mixed"));
            Health health = health("mixed");
            done(runner.stop("mixed"));

            assertThat(calls).containsExactly("initialize on loop: false", "startAsync on loop: true",
                    "loop on loop: false, on a loop thread: false", "healthCheck on loop: false",
                    "stop on loop: false");
            assertThat(health.status()).isEqualTo(Health.Status.DEGRADED);
            assertThat(health.reason()).isEqualTo("healthCheck() reported DEGRADED");
        }

        @Test
        @DisplayName("the default asynchronous methods, for direct callers, return the plain method's outcome")
        void defaultAsyncMethodsDelegate() {
            AtomicInteger loops = new AtomicInteger();
            Controller plain = new Controller() {
                @Override
                public void loop() {
                    loops.incrementAndGet();
                }

                @Override
                public void stop() throws IOException {
                    throw new IOException("relay stuck");
                }

                @Override
                public Health.Status healthCheck() {
                    return Health.Status.DEGRADED;
                }
            };

            assertThat(plain.loopAsync().toCompletableFuture()).isCompleted();
            assertThat(loops).hasValue(1);
            assertThat(plain.stopAsync().toCompletableFuture()).isCompletedExceptionally();
            assertThat(plain.healthCheckAsync().toCompletableFuture()).isCompletedWithValue(Health.Status.DEGRADED);
            assertThat(plain.initializeAsync().toCompletableFuture()).isCompleted();
        }

        @Test
        @DisplayName("prefers the asynchronous method when a controller overrides both")
        void prefersAsync() throws Exception {
            ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
            Controller both = new Controller() {
                @Override
                public void loop() {
                    calls.add("loop");
                }

                @Override
                public CompletionStage<Void> loopAsync() {
                    calls.add("loopAsync");
                    return CompletableFuture.completedFuture(null);
                }
            };
            runner.register("both", both, Duration.ofSeconds(1));
            done(runner.start("both"));

            assertThat(calls).containsExactly("loopAsync");
        }
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {

        @Test
        @DisplayName("initializes once, starts at every start, and stops cleanly")
        void initializesOnce() throws Exception {
            CountingController counting = new CountingController(clock);
            runner.register("counting", counting, Duration.ofSeconds(10));

            done(runner.start("counting"));
            StopReport first = done(runner.stop("counting"));
            clock.advanceBy(Duration.ofSeconds(30));
            assertThat(counting.starts).as("no period after stop").containsExactly(at(0));
            done(runner.start("counting"));

            assertThat(first).isEqualTo(new StopReport(List.of("counting"), Map.of()));
            assertThat(first.isClean()).isTrue();
            assertThat(counting.initializes).hasValue(1);
            assertThat(counting.startCalls).hasValue(2);
            assertThat(counting.stops).hasValue(1);
            assertThat(counting.starts).containsExactly(at(0), at(30));
            assertThat(runner.state("counting")).isEqualTo(ControllerState.RUNNING);
        }

        @Test
        @DisplayName("stop cancels the in-flight asynchronous iteration and does not count it as a failure")
        void stopCancelsAsyncIteration() throws Exception {
            ManualController slow = new ManualController(clock);
            runner.register("slow", slow, Duration.ofSeconds(10));
            done(runner.start("slow"));

            StopReport report = done(runner.stop("slow"));

            assertThat(report.isClean()).isTrue();
            assertThat(slow.iterations.get(0)).isCancelled();
            Health health = health("slow");
            assertThat(health.state()).isEqualTo(ControllerState.STOPPED);
            assertThat(health.status()).isEqualTo(Health.Status.DOWN);
            assertThat(health.failures()).isZero();
            clock.advanceBy(Duration.ofMinutes(1));
            assertThat(slow.starts).hasSize(1);
        }

        @Test
        @DisplayName("stop interrupts a blocked plain loop() and waits for it to return")
        void stopInterruptsBlockedPlainLoop() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            CompletableFuture<Throwable> seen = new CompletableFuture<>();
            Controller blocking = new Controller() {
                @Override
                public void loop() throws InterruptedException {
                    entered.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException interrupted) {
                        seen.complete(interrupted);
                        throw interrupted;
                    }
                }
            };
            runner.register("blocking", blocking, Duration.ofSeconds(1));
            runner.start("blocking").get(10, TimeUnit.SECONDS);
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            StopReport report = runner.stop("blocking", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

            assertThat(report.isClean()).isTrue();
            assertThat(seen).isCompletedWithValueMatching(error -> error instanceof InterruptedException);
            clock.runUntilIdle();
            assertThat(health("blocking").failures()).isZero();
        }

        @Test
        @DisplayName("stop reports, after the bound, an iteration and a stop() that did not end")
        void stopReportsWhatDidNotStop() throws Exception {
            Controller stubborn = new Controller() {
                @Override
                public CompletionStage<Void> loopAsync() {
                    // A minimal stage cannot be cancelled from outside: the iteration keeps running.
                    return new CompletableFuture<Void>().minimalCompletionStage();
                }

                @Override
                public CompletionStage<Void> stopAsync() {
                    return new CompletableFuture<>();
                }
            };
            runner.register("stubborn", stubborn, Duration.ofSeconds(1));
            done(runner.start("stubborn"));
            clock.advanceBy(Duration.ofSeconds(3));

            CompletableFuture<StopReport> stopping = runner.stop("stubborn", Duration.ofSeconds(5));
            clock.advanceBy(Duration.ofSeconds(4));
            assertThat(stopping).isNotDone();
            clock.advanceBy(Duration.ofSeconds(6));

            StopReport report = done(stopping);
            assertThat(report.stopped()).isEmpty();
            assertThat(report.problems()).containsOnlyKeys("stubborn");
            assertThat(report.problems().get("stubborn")).containsExactly(
                    "loopAsync() iteration started at 2026-01-01T00:00:00Z did not complete within PT5S after its "
                            + "stage was cancelled; let the stage complete on cancellation",
                    "stopAsync() did not complete within PT5S");
            assertThat(runner.state("stubborn")).isEqualTo(ControllerState.STOPPED);
        }

        @Test
        @DisplayName("stopAll stops every running controller and reports a failing stop()")
        void stopAllReports() throws Exception {
            CountingController fine = new CountingController(clock);
            Controller failingStop = new Controller() {
                @Override
                public CompletionStage<Void> loopAsync() {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Void> stopAsync() {
                    return CompletableFuture.failedFuture(new IOException("relay stuck closed"));
                }
            };
            runner.register("fine", fine, Duration.ofSeconds(1)).register("relay", failingStop, Duration.ofSeconds(1));
            done(runner.startAll());

            StopReport report = done(runner.stopAll());

            assertThat(report.stopped()).containsExactly("fine");
            assertThat(report.problems()).isEqualTo(Map.of("relay",
                    List.of("stopAsync() failed: java.io.IOException: relay stuck closed")));
            assertThat(health("relay").lastError().orElseThrow().phase()).isEqualTo("stop");
        }
    }

    @Nested
    @DisplayName("health")
    class HealthReports {

        @Test
        @DisplayName("renders health as one JSON object")
        void rendersJson() throws Exception {
            ManualController timed = new ManualController(clock);
            runner.register("pump", timed, Duration.ofSeconds(10));
            done(runner.start("pump"));
            clock.advanceBy(Duration.ofMillis(1500));
            timed.last().complete(null);
            clock.advanceBy(Duration.ofMillis(500));

            assertThat(health("pump").toJson()).isEqualTo("{\"controller\":\"pump\",\"status\":\"UP\","
                    + "\"reason\":\"ok\",\"state\":\"RUNNING\",\"consecutiveFailures\":0,\"failures\":0,"
                    + "\"period\":\"PT10S\",\"currentPeriod\":\"PT10S\",\"loops\":{\"count\":1,\"skipped\":0,"
                    + "\"lastDuration\":\"PT1.5S\",\"meanDuration\":\"PT1.5S\",\"maxDuration\":\"PT1.5S\"},"
                    + "\"lastError\":null,\"checkedAt\":\"2026-01-01T00:00:02Z\"}");
        }

        @Test
        @DisplayName("escapes the last error's stack trace in JSON")
        void rendersErrorJson() throws Exception {
            CountingController broken = new CountingController(clock);
            broken.failing = true;
            runner.register("broken \"one\"", broken, Duration.ofSeconds(10));
            done(runner.start("broken \"one\""));

            String json = health("broken \"one\"").toJson();
            assertThat(json).startsWith("{\"controller\":\"broken \\\"one\\\"\",\"status\":\"DEGRADED\"")
                    .contains("\"lastError\":{\"at\":\"2026-01-01T00:00:00Z\",\"phase\":\"loop\","
                            + "\"summary\":\"java.lang.IllegalStateException: sensor 7 did not answer\","
                            + "\"stackTrace\":\"java.lang.IllegalStateException: sensor 7 did not answer\\n\\tat ")
                    .doesNotContain("\n");
        }

        @Test
        @DisplayName("is DOWN when the controller's own check throws or does not answer")
        void ownCheckFailures() throws Exception {
            ControllerRunner quick = ControllerRunner.builder(loop).healthCheckTimeout(Duration.ofSeconds(2)).build();
            Controller throwing = new Controller() {
                @Override
                public CompletionStage<Void> loopAsync() {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Health.Status> healthCheckAsync() {
                    throw new IllegalStateException("bus error");
                }
            };
            Controller silent = new Controller() {
                @Override
                public CompletionStage<Void> loopAsync() {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletionStage<Health.Status> healthCheckAsync() {
                    return new CompletableFuture<>();
                }
            };
            quick.register("throwing", throwing, Duration.ofMinutes(1)).register("silent", silent,
                    Duration.ofMinutes(1));
            done(quick.startAll());

            Health thrown = done(quick.healthCheck("throwing"));
            CompletableFuture<Health> waiting = quick.healthCheck("silent");
            clock.advanceBy(Duration.ofSeconds(2));
            Health timedOut = done(waiting);

            assertThat(thrown.status()).isEqualTo(Health.Status.DOWN);
            assertThat(thrown.reason()).isEqualTo(
                    "healthCheckAsync() failed: java.lang.IllegalStateException: bus error");
            assertThat(thrown.lastError().orElseThrow().phase()).isEqualTo("healthCheck");
            assertThat(timedOut.status()).isEqualTo(Health.Status.DOWN);
            assertThat(timedOut.reason()).isEqualTo("healthCheckAsync() did not answer within PT2S");
        }
    }

    @Nested
    @DisplayName("misuse")
    class Misuse {

        private final Controller valid = new Controller() {
            @Override
            public void loop() {
            }
        };

        @Test
        @DisplayName("rejects a second start naming the controller and its state")
        void doubleStart() throws Exception {
            runner.register("fan", valid, Duration.ofSeconds(1));
            done(runner.start("fan"));

            assertThatThrownBy(() -> runner.start("fan")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("controller 'fan' cannot be started: it is already RUNNING. start is allowed from "
                            + "REGISTERED, STOPPED or FAILED; stop it first to restart it.");
            assertThatThrownBy(runner::startAll).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("some are already active [fan=RUNNING]");
        }

        @Test
        @DisplayName("rejects stop before start, and a second stop")
        void stopBeforeStart() throws Exception {
            runner.register("fan", valid, Duration.ofSeconds(1));

            assertThatThrownBy(() -> runner.stop("fan")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("controller 'fan' cannot be stopped before it was started (state REGISTERED); stop "
                            + "is allowed only while RUNNING. Call start(\"fan\") first.");
            assertThatThrownBy(runner::stopAll).isInstanceOf(IllegalStateException.class)
                    .hasMessage("runner 'controllers' has no RUNNING controller to stop (states: {fan=REGISTERED}); "
                            + "stop is allowed only after start");

            done(runner.start("fan"));
            done(runner.stop("fan"));
            assertThatThrownBy(() -> runner.stop("fan")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("controller 'fan' cannot be stopped: it is already STOPPED; stop is allowed only "
                            + "while RUNNING.");
        }

        @Test
        @DisplayName("rejects stop while the controller is still starting")
        void stopWhileStarting() throws Exception {
            CompletableFuture<Void> initialized = new CompletableFuture<>();
            runner.register("slow-start", new Controller() {
                @Override
                public CompletionStage<Void> initializeAsync() {
                    return initialized;
                }

                @Override
                public CompletionStage<Void> loopAsync() {
                    return CompletableFuture.completedFuture(null);
                }
            }, Duration.ofSeconds(1));
            CompletableFuture<Void> start = runner.start("slow-start");
            clock.runUntilIdle();

            assertThatThrownBy(() -> runner.stop("slow-start")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("controller 'slow-start' cannot be stopped while it is STARTING; stop is allowed only "
                            + "while RUNNING. Wait for the future returned by start(\"slow-start\").");
            initialized.complete(null);
            done(start);
            assertThat(done(runner.stop("slow-start")).isClean()).isTrue();
        }

        @Test
        @DisplayName("rejects periods that are zero or negative, naming the controller and the value")
        void rejectsBadPeriods() {
            assertThatThrownBy(() -> runner.register("fan", valid, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("controller 'fan' loop period must be > 0, was PT0S");
            assertThatThrownBy(() -> runner.register("fan", valid, Duration.ofSeconds(-5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("controller 'fan' loop period must be > 0, was PT-5S");
            assertThatThrownBy(() -> runner.register("fan", valid, null))
                    .isInstanceOf(NullPointerException.class).hasMessage("controller 'fan' loop period");
            assertThatThrownBy(() -> runner.register("fan", valid, Duration.ofMinutes(1),
                    LoopBackoff.exponential(2, Duration.ofSeconds(30))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("controller 'fan' back-off max must be >= its loop period PT1M, was PT30S");
            assertThat(runner.names()).isEmpty();
        }

        @Test
        @DisplayName("rejects null, blank, duplicate and unknown names")
        void rejectsBadNames() {
            assertThatThrownBy(() -> runner.register(null, valid, Duration.ofSeconds(1)))
                    .isInstanceOf(NullPointerException.class).hasMessage("controller name");
            assertThatThrownBy(() -> runner.register(" ", valid, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("controller name must not be blank, was ' '");
            runner.register("fan", valid, Duration.ofSeconds(1));
            assertThatThrownBy(() -> runner.register("fan", valid, Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("controller name 'fan' is already registered in runner 'controllers'; names must be "
                            + "unique per runner (registered: [fan])");
            assertThatThrownBy(() -> runner.start("pump"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("runner 'controllers' has no controller named 'pump'; registered: [fan]");
            assertThatThrownBy(() -> runner.start(null))
                    .isInstanceOf(NullPointerException.class).hasMessage("controller name");
        }

        @Test
        @DisplayName("rejects a controller that overrides neither loop() nor loopAsync()")
        void rejectsControllerWithoutLoop() {
            Controller empty = new Controller() {
            };
            assertThatThrownBy(() -> runner.register("empty", empty, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("controller 'empty' (dev.loopguard.core.ControllerRunnerTest$")
                    .hasMessageEndingWith(") overrides neither loop() nor loopAsync(). Override loop() for blocking "
                            + "work (it runs off the loop) or loopAsync() for non-blocking work (it runs on the loop).");
        }

        @Test
        @DisplayName("rejects bad runner settings and back-off values")
        void rejectsBadSettings() {
            assertThatThrownBy(() -> ControllerRunner.builder(loop).failuresUntilDown(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("failuresUntilDown must be >= 1, was 0");
            assertThatThrownBy(() -> ControllerRunner.builder(loop).stopTimeout(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stopTimeout must be a positive Duration (> 0), was PT0S");
            assertThatThrownBy(() -> ControllerRunner.builder(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("loop");
            assertThatThrownBy(() -> LoopBackoff.exponential(0.5, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("LoopBackoff factor must be a finite number >= 1, was 0.5");
            assertThatThrownBy(() -> LoopBackoff.exponential(2, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("LoopBackoff max must be > 0, was PT-1S");
            runner.register("fan", valid, Duration.ofSeconds(1));
            assertThatThrownBy(() -> runner.stop("fan", Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stop bound must be a positive Duration (> 0), was PT-1S");
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {

        @Test
        @DisplayName("registers from many threads with no lost or duplicated names")
        void registersConcurrently() throws Exception {
            int threads = 8;
            int each = 50;
            AllAtOnce.onThreads(threads, thread -> {
                for (int i = 0; i < each; i++) {
                    runner.register("c-" + thread + "-" + i, new CountingController(clock),
                            Duration.ofSeconds(1 + i % 7));
                }
                return null;
            });
            assertThat(runner.names()).hasSize(threads * each).doesNotHaveDuplicates();
            done(runner.startAll());
            clock.advanceBy(Duration.ofSeconds(7));
            Map<String, Health> all = done(runner.healthCheckAll());
            assertThat(all.values()).allSatisfy(health -> assertThat(health.status()).isEqualTo(Health.Status.UP));
        }

        @Test
        @DisplayName("lets exactly one of many concurrent starts of the same controller win")
        void oneConcurrentStartWins() throws Exception {
            CountingController contested = new CountingController(clock);
            runner.register("contested", contested, Duration.ofSeconds(1));
            int threads = 8;
            AtomicInteger refused = new AtomicInteger();
            List<CompletableFuture<Void>> won = new CopyOnWriteArrayList<>();
            AllAtOnce.onThreads(threads, thread -> {
                try {
                    won.add(runner.start("contested"));
                } catch (IllegalStateException alreadyStarted) {
                    refused.incrementAndGet();
                }
                return null;
            });
            assertThat(won).hasSize(1);
            assertThat(refused).hasValue(threads - 1);
            done(won.get(0));
            assertThat(contested.initializes).hasValue(1);
        }
    }

    @Nested
    @DisplayName("concurrent stops")
    class ConcurrentStops {

        @Test
        @DisplayName("lets exactly one of many concurrent stops of the same controller win")
        void oneConcurrentStopWins() throws Exception {
            CountingController contested = new CountingController(clock);
            runner.register("contested", contested, Duration.ofSeconds(1));
            done(runner.start("contested"));
            int threads = 8;
            AtomicInteger refused = new AtomicInteger();
            List<CompletableFuture<StopReport>> won = new CopyOnWriteArrayList<>();
            AllAtOnce.onThreads(threads, thread -> {
                try {
                    won.add(runner.stop("contested"));
                } catch (IllegalStateException alreadyStopping) {
                    refused.incrementAndGet();
                }
                return null;
            });
            assertThat(won).hasSize(1);
            assertThat(refused).hasValue(threads - 1);
            assertThat(done(won.get(0)).isClean()).isTrue();
            assertThat(contested.stops).hasValue(1);
        }
    }

    @Nested
    @DisplayName("on real time")
    class RealTime {

        @Test
        @DisplayName("runs a plain controller off the loop and stops it cleanly")
        void runsOnSystemClock() throws Exception {
            EventLoop real = EventLoop.builder().name("real-time-controllers").build();
            try {
                ControllerRunner realRunner = ControllerRunner.on(real);
                AtomicInteger iterations = new AtomicInteger();
                realRunner.register("ticker", new Controller() {
                    @Override
                    public void loop() {
                        iterations.incrementAndGet();
                    }
                }, Duration.ofMillis(20));

                realRunner.start("ticker").get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> iterations.get() >= 3);
                StopReport report = realRunner.stop("ticker").get(10, TimeUnit.SECONDS);

                assertThat(report.isClean()).isTrue();
                assertThat(realRunner.healthCheck("ticker").get(10, TimeUnit.SECONDS).loops().count())
                        .isGreaterThanOrEqualTo(3);
            } finally {
                real.shutdownNow();
            }
        }

        @Test
        @DisplayName("skips the periods missed while the loop thread was blocked instead of running them in a burst")
        void skipsPeriodsMissedByALateLoop() throws Exception {
            EventLoop real = EventLoop.builder().name("late-loop").build();
            try {
                ControllerRunner realRunner = ControllerRunner.on(real);
                AtomicInteger iterations = new AtomicInteger();
                realRunner.register("ticker", new Controller() {
                    @Override
                    public CompletionStage<Void> loopAsync() {
                        iterations.incrementAndGet();
                        return CompletableFuture.completedFuture(null);
                    }
                }, Duration.ofMillis(50));
                realRunner.start("ticker").get(10, TimeUnit.SECONDS);

                // A loop thread held for at least four periods is the condition under test, not a wait for a result.
                real.submit(() -> {
                    long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                }).get(10, TimeUnit.SECONDS);
                // The late period runs after the block; it is the one that finds the missed ones and skips them.
                await().atMost(Duration.ofSeconds(10)).until(() -> realRunner.healthCheck("ticker")
                        .get(10, TimeUnit.SECONDS).loops().skipped() >= 3);
                assertThat(realRunner.stop("ticker").get(10, TimeUnit.SECONDS).isClean()).isTrue();
                Health health = realRunner.healthCheck("ticker").get(10, TimeUnit.SECONDS);

                assertThat(health.loops().count()).as("every started iteration completed and was counted")
                        .isEqualTo(iterations.get());
            } finally {
                real.shutdownNow();
            }
        }
    }
}
