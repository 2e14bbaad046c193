package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * One controller registered in a {@link ControllerRunner}: its settings, its lifecycle state and counters, and the
 * steps that move it on the runner's loop (start, one iteration per period, stop, health). The runner owns the names,
 * the public calls and the operations on all controllers; the rules are documented there.
 *
 * <p>Mutable state is guarded by this object's monitor. The steps run on the loop; the runner reads the state, and
 * moves it from RUNNING to STOPPING, from any thread under the same monitor.
 */
final class RegisteredController {
    private final EventLoop loop;
    private final LoopClock clock;
    private final Duration healthCheckTimeout;
    private final int failuresUntilDown;

    final String name;
    final Controller controller;
    final Duration period;
    final LoopBackoff backoff;
    final Mode initializeMode;
    final Mode startMode;
    final Mode loopMode;
    final Mode stopMode;
    final Mode healthMode;

    ControllerState state = ControllerState.REGISTERED;
    boolean initialized;
    /** Incremented at every start, so that completions from an earlier run are recognised. */
    long epoch;
    /** Incremented at every (re)scheduling and at stop, so that a superseded tick does nothing. */
    long tickSeq;
    ScheduledFuture<?> nextTick;
    long nextDue;
    long lastDue;
    Duration currentPeriod;
    Invocation<Void> inflight;
    Instant inflightStartedAt;

    long count;
    long skipped;
    long failures;
    long consecutiveFailures;
    long lastNanos;
    long totalNanos;
    long maxNanos;
    RecordedFailure lastError;

    RegisteredController(String name, Controller controller, Duration period, LoopBackoff backoff, EventLoop loop,
            Duration healthCheckTimeout, int failuresUntilDown) {
        this.loop = loop;
        this.clock = loop.clock();
        this.healthCheckTimeout = healthCheckTimeout;
        this.failuresUntilDown = failuresUntilDown;
        this.name = name;
        this.controller = controller;
        this.period = period;
        this.backoff = backoff;
        this.currentPeriod = period;
        Class<?> type = controller.getClass();
        this.initializeMode = Mode.of(type, "initialize", "initializeAsync");
        this.startMode = Mode.of(type, "start", "startAsync");
        this.loopMode = Mode.of(type, "loop", "loopAsync");
        this.stopMode = Mode.of(type, "stop", "stopAsync");
        this.healthMode = Mode.of(type, "healthCheck", "healthCheckAsync");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Start

    void beginStart(long epoch, CompletableFuture<Void> started) {
        boolean initialized;
        synchronized (this) {
            initialized = this.initialized;
        }
        Invocation<Void> initialize = initialized ? Invocation.completed(null)
                : invoke(initializeMode, "initialize", controller::initializeAsync, () -> {
                    controller.initialize();
                    return null;
                }, null);
        initialize.result.whenComplete((ignored, initError) -> {
            if (initError != null) {
                startFailed("initialize", initError, started);
                return;
            }
            synchronized (this) {
                this.initialized = true;
            }
            Invocation<Void> start = invoke(startMode, "start", controller::startAsync, () -> {
                controller.start();
                return null;
            }, null);
            start.result.whenComplete((ignoredToo, startError) -> {
                if (startError != null) {
                    startFailed("start", startError, started);
                    return;
                }
                long seq;
                synchronized (this) {
                    if (this.epoch != epoch) {
                        return;
                    }
                    this.state = ControllerState.RUNNING;
                    currentPeriod = period;
                    nextDue = clock.nanoTime();
                    seq = ++tickSeq;
                }
                tick(seq);
                started.complete(null);
            });
        });
    }

    private void startFailed(String step, Throwable error, CompletableFuture<Void> started) {
        Throwable cause = Invocation.unwrap(error);
        synchronized (this) {
            this.state = ControllerState.FAILED;
            lastError = new RecordedFailure(clock.instant(), step, cause);
        }
        started.completeExceptionally(new ControllerFailedException(name, step, cause));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Periods

    /** Runs on the loop when a period is due. */
    private void tick(long seq) {
        long epoch;
        synchronized (this) {
            if (tickSeq != seq || this.state != ControllerState.RUNNING) {
                return;
            }
            long due = nextDue;
            lastDue = due;
            scheduleNextTick(due, currentPeriod);
            if (this.inflight != null) {
                skipped++;
                return;
            }
            epoch = this.epoch;
        }
        launchIteration(epoch);
    }

    /** Schedules the first period after {@code from} that is still ahead; the ones already past are skipped. */
    private void scheduleNextTick(long from, Duration period) {
        long periodNanos = period.toNanos();
        long now = clock.nanoTime();
        // Differences only, as with System.nanoTime: the sum of a time and a period near the limit may wrap around,
        // the time from one to the other never does.
        long sinceFrom = Math.max(0, now - from);
        long wait;
        if (sinceFrom < periodNanos) {
            wait = periodNanos - sinceFrom;
        } else {
            skipped += sinceFrom / periodNanos;
            wait = periodNanos - sinceFrom % periodNanos;
        }
        long next = now + wait;
        nextDue = next;
        long seq = ++tickSeq;
        nextTick = loop.schedule(() -> tick(seq), Duration.ofNanos(wait));
    }

    private void launchIteration(long epoch) {
        Instant startedAt = clock.instant();
        long startNanos = clock.nanoTime();
        Invocation<Void> iteration = invoke(loopMode, "loop", controller::loopAsync, () -> {
            controller.loop();
            return null;
        }, null);
        synchronized (this) {
            this.inflight = iteration;
            this.inflightStartedAt = startedAt;
        }
        iteration.result.whenComplete((ignored, error) -> iterationEnded(epoch, iteration, startNanos, error));
    }

    private void iterationEnded(long epoch, Invocation<Void> iteration, long startNanos, Throwable error) {
        Throwable cause = error == null ? null : Invocation.unwrap(error);
        long duration = clock.nanoTime() - startNanos;
        synchronized (this) {
            if (this.inflight == iteration) {
                this.inflight = null;
            }
            count++;
            lastNanos = duration;
            totalNanos += duration;
            maxNanos = Math.max(maxNanos, duration);
            boolean endedByStop = this.epoch != epoch || this.state != ControllerState.RUNNING;
            if (cause == null) {
                consecutiveFailures = 0;
                if (!endedByStop && !currentPeriod.equals(period)) {
                    // The back-off ends with the first success: the pending (stretched) period is moved back.
                    currentPeriod = period;
                    cancelPendingTick();
                    scheduleNextTick(lastDue, period);
                }
            } else if (!(endedByStop && (cause instanceof CancellationException
                    || cause instanceof InterruptedException))) {
                // (An iteration that ends with the very cancellation or interrupt stop() sent is not a failure.)
                failures++;
                consecutiveFailures++;
                lastError = new RecordedFailure(clock.instant(), "loop", cause);
                Duration stretched = backoff.periodAfter(period, consecutiveFailures);
                if (!endedByStop && !stretched.equals(currentPeriod)) {
                    currentPeriod = stretched;
                    cancelPendingTick();
                    scheduleNextTick(lastDue, stretched);
                }
            }
        }
    }

    void cancelPendingTick() {
        if (nextTick != null) {
            nextTick.cancel(false);
            nextTick = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Stop

    void beginStop() {
        synchronized (this) {
            switch (this.state) {
                case RUNNING:
                    this.state = ControllerState.STOPPING;
                    tickSeq++;
                    cancelPendingTick();
                    return;
                case REGISTERED:
                    throw new IllegalStateException("controller '" + name + "' cannot be stopped before it was "
                            + "started (state REGISTERED); stop is allowed only while RUNNING. Call start(\""
                            + name + "\") first.");
                case STARTING:
                    throw new IllegalStateException("controller '" + name + "' cannot be stopped while it is "
                            + "STARTING; stop is allowed only while RUNNING. Wait for the future returned by start(\""
                            + name + "\").");
                case FAILED:
                    throw new IllegalStateException("controller '" + name + "' cannot be stopped: it is FAILED ("
                            + lastError.summary() + " in " + lastError.phase() + "()), so nothing runs; "
                            + "stop is allowed only while RUNNING.");
                default:
                    throw new IllegalStateException("controller '" + name + "' cannot be stopped: it is already "
                            + this.state + "; stop is allowed only while RUNNING.");
            }
        }
    }

    /** Cancels and awaits the in-flight iteration, then runs the controller's stop; completes with the problems. */
    CompletableFuture<List<String>> stopOnLoop(Duration bound) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        Runnable stopping = () -> {
            Invocation<Void> inflight;
            Instant inflightStartedAt;
            synchronized (this) {
                inflight = this.inflight;
                inflightStartedAt = this.inflightStartedAt;
            }
            List<String> problems = new ArrayList<>();
            CompletableFuture<Boolean> iterationEnded;
            if (inflight == null) {
                iterationEnded = CompletableFuture.completedFuture(true);
            } else {
                inflight.cancel();
                iterationEnded = Invocation.completesWithin(loop, inflight.finished, bound);
            }
            iterationEnded.thenCompose(ended -> {
                if (!ended) {
                    problems.add(inflight.offloaded
                            ? "loop() iteration started at " + inflightStartedAt + " is still running " + bound
                                    + " after it was interrupted; make the blocking call respond to interruption "
                                    + "or give it a timeout"
                            : "loopAsync() iteration started at " + inflightStartedAt + " did not complete within "
                                    + bound + " after its stage was cancelled; let the stage complete on "
                                    + "cancellation");
                }
                Invocation<Void> stop = invoke(stopMode, "stop", controller::stopAsync, () -> {
                    controller.stop();
                    return null;
                }, null);
                return Invocation.completesWithin(loop, stop.result, bound).thenApply(completed -> {
                    String method = stopMode == Mode.ASYNC ? "stopAsync()" : "stop()";
                    if (!completed) {
                        stop.cancel();
                        problems.add(method + " did not complete within " + bound);
                    } else {
                        Throwable failure = Invocation.failureOf(stop.result);
                        if (failure != null) {
                            RecordedFailure recorded = new RecordedFailure(clock.instant(), "stop", failure);
                            synchronized (this) {
                                lastError = recorded;
                            }
                            problems.add(method + " failed: " + recorded.summary());
                        }
                    }
                    synchronized (this) {
                        this.state = ControllerState.STOPPED;
                    }
                    return problems;
                });
            }).whenComplete((problemsFound, error) -> {
                if (error != null) {
                    synchronized (this) {
                        this.state = ControllerState.STOPPED;
                    }
                    done.completeExceptionally(error);
                } else {
                    done.complete(problemsFound);
                }
            });
        };
        try {
            loop.execute(stopping);
        } catch (RejectedExecutionException closed) {
            synchronized (this) {
                this.state = ControllerState.STOPPED;
            }
            done.complete(List.of("event loop '" + loop.name() + "' no longer accepts work, so the in-flight "
                    + "iteration could not be cancelled and stop() was not called"));
        }
        return done;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Health

    void checkOnLoop(CompletableFuture<Health> health) {
        ControllerState state;
        synchronized (this) {
            state = this.state;
        }
        if (state != ControllerState.RUNNING) {
            health.complete(snapshot(null, null, false));
            return;
        }
        Invocation<Health.Status> check = invoke(healthMode, "healthCheck",
                controller::healthCheckAsync, controller::healthCheck, Health.Status.UP);
        Invocation.completesWithin(loop, check.result, healthCheckTimeout).whenComplete((answered, ignored) -> {
            if (!answered) {
                check.cancel();
                health.complete(snapshot(null, null, true));
                return;
            }
            Throwable failure = Invocation.failureOf(check.result);
            Health.Status own = failure == null ? check.result.join() : null;
            if (failure == null && own == null) {
                failure = new NullPointerException(controller.getClass().getName()
                        + ".healthCheck returned null; return Health.Status.UP, DEGRADED or DOWN");
            }
            if (failure != null) {
                synchronized (this) {
                    lastError = new RecordedFailure(clock.instant(), "healthCheck", failure);
                }
            }
            health.complete(snapshot(own, failure, false));
        });
    }

    private Health snapshot(Health.Status own, Throwable ownFailure, boolean ownTimedOut) {
        synchronized (this) {
            Health.Status status;
            String reason;
            String method = healthMode == Mode.ASYNC ? "healthCheckAsync()" : "healthCheck()";
            long consecutive = consecutiveFailures;
            if (this.state != ControllerState.RUNNING) {
                status = Health.Status.DOWN;
                reason = "not running (state " + this.state + ")";
            } else if (ownTimedOut) {
                status = Health.Status.DOWN;
                reason = method + " did not answer within " + healthCheckTimeout;
            } else if (ownFailure != null) {
                status = Health.Status.DOWN;
                reason = method + " failed: " + new RecordedFailure(clock.instant(), "healthCheck", ownFailure)
                        .summary();
            } else if (own == Health.Status.DOWN) {
                status = Health.Status.DOWN;
                reason = method + " reported DOWN";
            } else if (consecutive >= failuresUntilDown) {
                status = Health.Status.DOWN;
                reason = consecutive + " consecutive loop failures (DOWN at " + failuresUntilDown + ")";
            } else if (consecutive > 0) {
                status = Health.Status.DEGRADED;
                reason = consecutive + " consecutive loop failure" + (consecutive == 1 ? "" : "s") + " (DOWN at "
                        + failuresUntilDown + ")";
            } else if (own == Health.Status.DEGRADED) {
                status = Health.Status.DEGRADED;
                reason = method + " reported DEGRADED";
            } else {
                status = Health.Status.UP;
                reason = "ok";
            }
            Duration mean = count == 0 ? Duration.ZERO : Duration.ofNanos(totalNanos / count);
            LoopStatistics loops = new LoopStatistics(count, skipped, Duration.ofNanos(lastNanos),
                    mean, Duration.ofNanos(maxNanos));
            return new Health(name, status, reason, this.state, consecutive, failures, period,
                    currentPeriod, loops, lastError, clock.instant());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private <T> Invocation<T> invoke(Mode mode, String step,
            Supplier<? extends CompletionStage<T>> async, Callable<T> plain, T absent) {
        switch (mode) {
            case ASYNC:
                return Invocation.async(loop, async, controller.getClass().getName() + "." + step + "Async()"
                        + " of controller '" + name + "'");
            case PLAIN:
                return Invocation.offloaded(loop, plain);
            default:
                return Invocation.completed(absent);
        }
    }

    /** Which variant of a step a controller class overrides. */
    enum Mode {
        ASYNC, PLAIN, NONE;

        static Mode of(Class<?> type, String plain, String async) {
            if (overrides(type, async)) {
                return ASYNC;
            }
            return overrides(type, plain) ? PLAIN : NONE;
        }

        private static boolean overrides(Class<?> type, String method) {
            try {
                return type.getMethod(method).getDeclaringClass() != Controller.class;
            } catch (NoSuchMethodException impossible) {
                throw new IllegalStateException("Controller." + method + "() not found on " + type.getName(),
                        impossible);
            }
        }
    }
}
