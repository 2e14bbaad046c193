package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * Runs many {@link Controller}s on one {@link EventLoop}, each at its own sample period, and keeps their health.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Names are unique</b> per runner; registering a taken name fails.</li>
 *   <li><b>{@code start(name)}</b> runs {@code initialize} (first start only) and {@code start}; the first iteration
 *       runs as soon as they succeed, then one per period. If either fails, the returned future fails with a
 *       {@link ControllerFailedException} naming the controller and the step, and the controller is
 *       {@link ControllerState#FAILED FAILED}.</li>
 *   <li><b>A failing iteration</b> is recorded (count, consecutive count, last error with its stack trace) and the
 *       controller carries on at its next period, stretched by its {@link LoopBackoff} while failures continue.</li>
 *   <li><b>A missed period is skipped, never queued twice</b>: when an iteration is still running as the next one is
 *       due, that period is skipped and counted in {@link LoopStatistics#skipped()}; periods missed because the loop
 *       thread was late are skipped the same way.</li>
 *   <li><b>{@code stop(name)}</b> cancels the pending period and the in-flight iteration (an offloaded plain
 *       {@code loop()} is interrupted, an asynchronous stage is cancelled), waits up to the bound for it to end, then
 *       runs {@code stop} and waits up to the bound again. What did not end in time is listed in the
 *       {@link StopReport}; the controller is {@link ControllerState#STOPPED STOPPED} either way.</li>
 *   <li><b>Plain methods never run on the loop thread</b>: a controller that overrides only {@code loop()} is called
 *       through {@link EventLoop#offload(java.util.concurrent.Callable)}; asynchronous methods are called on the loop.
 *       Which one a controller overrides is found once, at registration.</li>
 *   <li>Misuse (starting twice, stopping before starting, a period {@code <= 0}, null or blank names, unknown names)
 *       throws {@link IllegalStateException} or {@link IllegalArgumentException} naming the controller, the value and
 *       the rule, at the call.</li>
 * </ul>
 *
 * <pre>{@code
 * ControllerRunner runner = ControllerRunner.builder(loop).failuresUntilDown(5).build()
 *         .register("greenhouse-fan", new GreenhouseFan(sensor, fan), Duration.ofSeconds(30))
 *         .register("pump", pump, Duration.ofMinutes(1), LoopBackoff.exponential(2, Duration.ofMinutes(10)));
 * runner.startAll().join();
 * Health fan = runner.healthCheck("greenhouse-fan").join();
 * StopReport report = runner.stopAll().join();
 * }</pre>
 *
 * <p>All methods may be called from any thread, including the loop thread. The futures they return complete on the
 * loop thread; do not {@code join()} them there.
 */
public final class ControllerRunner {

    private final EventLoop loop;
    private final LoopClock clock;
    private final String name;
    private final Duration stopTimeout;
    private final Duration healthCheckTimeout;
    private final int failuresUntilDown;
    /** Guarded by itself; insertion order is registration order. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private ControllerRunner(Builder builder) {
        this.loop = builder.loop;
        this.clock = builder.loop.clock();
        this.name = builder.name;
        this.stopTimeout = builder.stopTimeout;
        this.healthCheckTimeout = builder.healthCheckTimeout;
        this.failuresUntilDown = builder.failuresUntilDown;
    }

    /** A builder for a runner on {@code loop}. */
    public static Builder builder(EventLoop loop) {
        return new Builder(Objects.requireNonNull(loop, "loop"), "controllers", Duration.ofSeconds(10),
                Duration.ofSeconds(10), 3);
    }

    /** A runner on {@code loop} with the defaults of {@link Builder}. */
    public static ControllerRunner on(EventLoop loop) {
        return builder(loop).build();
    }

    /** The runner's name, used in messages. */
    public String name() {
        return name;
    }

    /** The loop the controllers run on. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Registers {@code controller} under {@code name}, to run every {@code period} once started, with no back-off.
     *
     * @return this runner, for chaining
     * @throws IllegalArgumentException if the name is blank or taken, the period is not positive, or the controller
     *     overrides neither {@code loop()} nor {@code loopAsync()}
     */
    public ControllerRunner register(String name, Controller controller, Duration period) {
        return register(name, controller, period, LoopBackoff.none());
    }

    /**
     * Registers {@code controller} under {@code name}, to run every {@code period} once started; while its loop keeps
     * failing, {@code backoff} stretches the period.
     *
     * @return this runner, for chaining
     * @throws IllegalArgumentException if the name is blank or taken, the period is not positive, the back-off's
     *     maximum is shorter than the period, or the controller overrides neither {@code loop()} nor
     *     {@code loopAsync()}
     */
    public ControllerRunner register(String name, Controller controller, Duration period, LoopBackoff backoff) {
        Objects.requireNonNull(name, "controller name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("controller name must not be blank, was '" + name + "'");
        }
        Objects.requireNonNull(controller, "controller '" + name + "'");
        Objects.requireNonNull(period, "controller '" + name + "' loop period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(
                    "controller '" + name + "' loop period must be > 0, was " + period);
        }
        Durations.requireWithinClock(period, "controller '" + name + "' loop period");
        Objects.requireNonNull(backoff, "controller '" + name + "' backoff");
        if (!backoff.isNone() && backoff.max().compareTo(period) < 0) {
            throw new IllegalArgumentException("controller '" + name + "' back-off max must be >= its loop period "
                    + period + ", was " + backoff.max());
        }
        Entry entry = new Entry(name, controller, period, backoff);
        if (entry.loopMode == Mode.NONE) {
            throw new IllegalArgumentException("controller '" + name + "' (" + controller.getClass().getName()
                    + ") overrides neither loop() nor loopAsync(). Override loop() for blocking work (it runs off "
                    + "the loop) or loopAsync() for non-blocking work (it runs on the loop).");
        }
        synchronized (entries) {
            if (entries.containsKey(name)) {
                throw new IllegalArgumentException("controller name '" + name + "' is already registered in runner '"
                        + this.name + "'; names must be unique per runner (registered: " + entries.keySet() + ")");
            }
            entries.put(name, entry);
        }
        return this;
    }

    /** The registered names, in registration order. */
    public List<String> names() {
        synchronized (entries) {
            return List.copyOf(entries.keySet());
        }
    }

    /** The lifecycle state of the named controller. */
    public ControllerState state(String name) {
        Entry entry = entry(name);
        synchronized (entry) {
            return entry.state;
        }
    }

    /**
     * Starts the named controller: {@code initialize} (the first time only), then {@code start}, then its loop.
     *
     * @return completes when the controller is {@link ControllerState#RUNNING RUNNING}, or fails with a
     *     {@link ControllerFailedException} when {@code initialize} or {@code start} failed
     * @throws IllegalStateException if it is already starting, running or stopping, or the loop is shut down
     * @throws IllegalArgumentException if no controller has that name
     */
    public CompletableFuture<Void> start(String name) {
        Entry entry = entry(name);
        long epoch;
        ControllerState before;
        synchronized (entry) {
            before = entry.state;
            if (before == ControllerState.STARTING || before == ControllerState.RUNNING
                    || before == ControllerState.STOPPING) {
                throw new IllegalStateException("controller '" + name + "' cannot be started: it is already "
                        + before + ". start is allowed from REGISTERED, STOPPED or FAILED; stop it first to restart it.");
            }
            entry.state = ControllerState.STARTING;
            epoch = ++entry.epoch;
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        try {
            loop.execute(() -> beginStart(entry, epoch, started));
        } catch (RejectedExecutionException closed) {
            synchronized (entry) {
                entry.state = before;
            }
            throw new IllegalStateException("controller '" + name + "' cannot be started: event loop '" + loop.name()
                    + "' no longer accepts work", closed);
        }
        return started;
    }

    /**
     * Starts every registered controller, as {@link #start(String)} does, in registration order.
     *
     * @return completes when all run; fails with the first {@link ControllerFailedException}, the others attached as
     *     suppressed exceptions (the controllers that did start keep running)
     * @throws IllegalStateException if nothing is registered, or some controller is already starting, running or
     *     stopping
     */
    public CompletableFuture<Void> startAll() {
        List<Entry> all = entries();
        if (all.isEmpty()) {
            throw new IllegalStateException("runner '" + name + "' has no controllers to start; register(...) some first");
        }
        List<String> active = new ArrayList<>();
        for (Entry entry : all) {
            synchronized (entry) {
                if (entry.state == ControllerState.STARTING || entry.state == ControllerState.RUNNING
                        || entry.state == ControllerState.STOPPING) {
                    active.add(entry.name + "=" + entry.state);
                }
            }
        }
        if (!active.isEmpty()) {
            throw new IllegalStateException("runner '" + name + "' cannot start all controllers: some are already "
                    + "active " + active + "; start the others one by one with start(name), or stopAll() first");
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Entry entry : all) {
            starts.add(start(entry.name));
        }
        return CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            if (error == null) {
                return null;
            }
            RuntimeException first = null;
            for (CompletableFuture<Void> start : starts) {
                Throwable failure = failureOf(start);
                if (failure == null) {
                    continue;
                }
                if (first == null) {
                    first = failure instanceof RuntimeException ? (RuntimeException) failure
                            : new IllegalStateException(failure);
                } else {
                    first.addSuppressed(failure);
                }
            }
            throw first;
        });
    }

    /** Stops the named controller within the runner's {@link Builder#stopTimeout(Duration) stop timeout}. */
    public CompletableFuture<StopReport> stop(String name) {
        return stop(name, stopTimeout);
    }

    /**
     * Stops the named controller: no further periods, the in-flight iteration cancelled and awaited up to
     * {@code bound}, then its {@code stop} awaited up to {@code bound}.
     *
     * @return completes with what stopped and what did not; never fails because user code hung or threw
     * @throws IllegalStateException if the controller is not {@link ControllerState#RUNNING RUNNING}
     * @throws IllegalArgumentException if no controller has that name or {@code bound} is not positive
     */
    public CompletableFuture<StopReport> stop(String name, Duration bound) {
        requirePositive(bound, "stop bound");
        Entry entry = entry(name);
        beginStop(entry);
        return stopOnLoop(entry, bound).thenApply(problems -> problems.isEmpty()
                ? new StopReport(List.of(entry.name), Map.of())
                : new StopReport(List.of(), Map.of(entry.name, problems)));
    }

    /** Stops every running controller within the runner's {@link Builder#stopTimeout(Duration) stop timeout}. */
    public CompletableFuture<StopReport> stopAll() {
        return stopAll(stopTimeout);
    }

    /**
     * Stops every {@link ControllerState#RUNNING RUNNING} controller, concurrently, as {@link #stop(String, Duration)}
     * does.
     *
     * @throws IllegalStateException if no controller is running (stop before start)
     */
    public CompletableFuture<StopReport> stopAll(Duration bound) {
        requirePositive(bound, "stop bound");
        List<Entry> running = new ArrayList<>();
        Map<String, ControllerState> states = new LinkedHashMap<>();
        for (Entry entry : entries()) {
            synchronized (entry) {
                states.put(entry.name, entry.state);
                if (entry.state == ControllerState.RUNNING) {
                    entry.state = ControllerState.STOPPING;
                    entry.tickSeq++;
                    cancelPendingTick(entry);
                    running.add(entry);
                }
            }
        }
        if (running.isEmpty()) {
            throw new IllegalStateException("runner '" + name + "' has no RUNNING controller to stop (states: "
                    + states + "); stop is allowed only after start");
        }
        List<CompletableFuture<List<String>>> stops = new ArrayList<>();
        for (Entry entry : running) {
            stops.add(stopOnLoop(entry, bound));
        }
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<String> stopped = new ArrayList<>();
            Map<String, List<String>> problems = new TreeMap<>();
            for (int i = 0; i < running.size(); i++) {
                List<String> lines = stops.get(i).join();
                if (lines.isEmpty()) {
                    stopped.add(running.get(i).name);
                } else {
                    problems.put(running.get(i).name, lines);
                }
            }
            return new StopReport(stopped, problems);
        });
    }

    /**
     * Asks the named controller for its own verdict (when it is running) and combines it with what the runner
     * observed. A controller check that does not answer within {@link Builder#healthCheckTimeout(Duration)} counts as
     * DOWN.
     *
     * @throws IllegalArgumentException if no controller has that name
     */
    public CompletableFuture<Health> healthCheck(String name) {
        Entry entry = entry(name);
        CompletableFuture<Health> health = new CompletableFuture<>();
        loop.execute(() -> checkOnLoop(entry, health));
        return health;
    }

    /** {@link #healthCheck(String)} for every controller, by name in registration order. */
    public CompletableFuture<Map<String, Health>> healthCheckAll() {
        List<Entry> all = entries();
        List<CompletableFuture<Health>> checks = new ArrayList<>();
        for (Entry entry : all) {
            checks.add(healthCheck(entry.name));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, Health> result = new LinkedHashMap<>();
            for (int i = 0; i < all.size(); i++) {
                result.put(all.get(i).name, checks.get(i).join());
            }
            return result;
        });
    }

    @Override
    public String toString() {
        return "ControllerRunner[" + name + " on " + loop.name() + ", controllers " + names() + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Start

    private void beginStart(Entry entry, long epoch, CompletableFuture<Void> started) {
        boolean initialized;
        synchronized (entry) {
            initialized = entry.initialized;
        }
        Invocation<Void> initialize = initialized ? Invocation.completed(null)
                : invoke(entry, entry.initializeMode, "initialize", entry.controller::initializeAsync, () -> {
                    entry.controller.initialize();
                    return null;
                }, null);
        initialize.result.whenComplete((ignored, initError) -> {
            if (initError != null) {
                startFailed(entry, "initialize", initError, started);
                return;
            }
            synchronized (entry) {
                entry.initialized = true;
            }
            Invocation<Void> start = invoke(entry, entry.startMode, "start", entry.controller::startAsync, () -> {
                entry.controller.start();
                return null;
            }, null);
            start.result.whenComplete((ignoredToo, startError) -> {
                if (startError != null) {
                    startFailed(entry, "start", startError, started);
                    return;
                }
                long seq;
                synchronized (entry) {
                    if (entry.epoch != epoch) {
                        return;
                    }
                    entry.state = ControllerState.RUNNING;
                    entry.currentPeriod = entry.period;
                    entry.nextDue = clock.nanoTime();
                    seq = ++entry.tickSeq;
                }
                tick(entry, seq);
                started.complete(null);
            });
        });
    }

    private void startFailed(Entry entry, String step, Throwable error, CompletableFuture<Void> started) {
        Throwable cause = Invocation.unwrap(error);
        synchronized (entry) {
            entry.state = ControllerState.FAILED;
            entry.lastError = new RecordedFailure(clock.instant(), step, cause);
        }
        started.completeExceptionally(new ControllerFailedException(entry.name, step, cause));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Periods

    /** Runs on the loop when a period is due. */
    private void tick(Entry entry, long seq) {
        long epoch;
        synchronized (entry) {
            if (entry.tickSeq != seq || entry.state != ControllerState.RUNNING) {
                return;
            }
            long due = entry.nextDue;
            entry.lastDue = due;
            scheduleNextTick(entry, due, entry.currentPeriod);
            if (entry.inflight != null) {
                entry.skipped++;
                return;
            }
            epoch = entry.epoch;
        }
        launchIteration(entry, epoch);
    }

    /** Schedules the first period after {@code from} that is still ahead; the ones already past are skipped. */
    private void scheduleNextTick(Entry entry, long from, Duration period) {
        long periodNanos = period.toNanos();
        long now = clock.nanoTime();
        // Differences only, as with System.nanoTime: the sum of a time and a period near the limit may wrap around,
        // the time from one to the other never does.
        long sinceFrom = Math.max(0, now - from);
        long wait;
        if (sinceFrom < periodNanos) {
            wait = periodNanos - sinceFrom;
        } else {
            entry.skipped += sinceFrom / periodNanos;
            wait = periodNanos - sinceFrom % periodNanos;
        }
        long next = now + wait;
        entry.nextDue = next;
        long seq = ++entry.tickSeq;
        entry.nextTick = loop.schedule(() -> tick(entry, seq), Duration.ofNanos(wait));
    }

    private void launchIteration(Entry entry, long epoch) {
        Instant startedAt = clock.instant();
        long startNanos = clock.nanoTime();
        Invocation<Void> iteration = invoke(entry, entry.loopMode, "loop", entry.controller::loopAsync, () -> {
            entry.controller.loop();
            return null;
        }, null);
        synchronized (entry) {
            entry.inflight = iteration;
            entry.inflightStartedAt = startedAt;
        }
        iteration.result.whenComplete((ignored, error) -> iterationEnded(entry, epoch, iteration, startNanos, error));
    }

    private void iterationEnded(Entry entry, long epoch, Invocation<Void> iteration, long startNanos, Throwable error) {
        Throwable cause = error == null ? null : Invocation.unwrap(error);
        long duration = clock.nanoTime() - startNanos;
        synchronized (entry) {
            if (entry.inflight == iteration) {
                entry.inflight = null;
            }
            entry.count++;
            entry.lastNanos = duration;
            entry.totalNanos += duration;
            entry.maxNanos = Math.max(entry.maxNanos, duration);
            boolean endedByStop = entry.epoch != epoch || entry.state != ControllerState.RUNNING;
            if (cause == null) {
                entry.consecutiveFailures = 0;
                if (!endedByStop && !entry.currentPeriod.equals(entry.period)) {
                    // The back-off ends with the first success: the pending (stretched) period is moved back.
                    entry.currentPeriod = entry.period;
                    cancelPendingTick(entry);
                    scheduleNextTick(entry, entry.lastDue, entry.period);
                }
            } else if (!(endedByStop && (cause instanceof CancellationException
                    || cause instanceof InterruptedException))) {
                // (An iteration that ends with the very cancellation or interrupt stop() sent is not a failure.)
                entry.failures++;
                entry.consecutiveFailures++;
                entry.lastError = new RecordedFailure(clock.instant(), "loop", cause);
                Duration stretched = entry.backoff.periodAfter(entry.period, entry.consecutiveFailures);
                if (!endedByStop && !stretched.equals(entry.currentPeriod)) {
                    entry.currentPeriod = stretched;
                    cancelPendingTick(entry);
                    scheduleNextTick(entry, entry.lastDue, stretched);
                }
            }
        }
    }

    private static void cancelPendingTick(Entry entry) {
        if (entry.nextTick != null) {
            entry.nextTick.cancel(false);
            entry.nextTick = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Stop

    private void beginStop(Entry entry) {
        synchronized (entry) {
            switch (entry.state) {
                case RUNNING:
                    entry.state = ControllerState.STOPPING;
                    entry.tickSeq++;
                    cancelPendingTick(entry);
                    return;
                case REGISTERED:
                    throw new IllegalStateException("controller '" + entry.name + "' cannot be stopped before it was "
                            + "started (state REGISTERED); stop is allowed only while RUNNING. Call start(\""
                            + entry.name + "\") first.");
                case STARTING:
                    throw new IllegalStateException("controller '" + entry.name + "' cannot be stopped while it is "
                            + "STARTING; stop is allowed only while RUNNING. Wait for the future returned by start(\""
                            + entry.name + "\").");
                case FAILED:
                    throw new IllegalStateException("controller '" + entry.name + "' cannot be stopped: it is FAILED ("
                            + entry.lastError.summary() + " in " + entry.lastError.phase() + "()), so nothing runs; "
                            + "stop is allowed only while RUNNING.");
                default:
                    throw new IllegalStateException("controller '" + entry.name + "' cannot be stopped: it is already "
                            + entry.state + "; stop is allowed only while RUNNING.");
            }
        }
    }

    /** Cancels and awaits the in-flight iteration, then runs the controller's stop; completes with the problems. */
    private CompletableFuture<List<String>> stopOnLoop(Entry entry, Duration bound) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        Runnable stopping = () -> {
            Invocation<Void> inflight;
            Instant inflightStartedAt;
            synchronized (entry) {
                inflight = entry.inflight;
                inflightStartedAt = entry.inflightStartedAt;
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
                Invocation<Void> stop = invoke(entry, entry.stopMode, "stop", entry.controller::stopAsync, () -> {
                    entry.controller.stop();
                    return null;
                }, null);
                return Invocation.completesWithin(loop, stop.result, bound).thenApply(completed -> {
                    String method = entry.stopMode == Mode.ASYNC ? "stopAsync()" : "stop()";
                    if (!completed) {
                        stop.cancel();
                        problems.add(method + " did not complete within " + bound);
                    } else {
                        Throwable failure = failureOf(stop.result);
                        if (failure != null) {
                            RecordedFailure recorded = new RecordedFailure(clock.instant(), "stop", failure);
                            synchronized (entry) {
                                entry.lastError = recorded;
                            }
                            problems.add(method + " failed: " + recorded.summary());
                        }
                    }
                    synchronized (entry) {
                        entry.state = ControllerState.STOPPED;
                    }
                    return problems;
                });
            }).whenComplete((problemsFound, error) -> {
                if (error != null) {
                    synchronized (entry) {
                        entry.state = ControllerState.STOPPED;
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
            synchronized (entry) {
                entry.state = ControllerState.STOPPED;
            }
            done.complete(List.of("event loop '" + loop.name() + "' no longer accepts work, so the in-flight "
                    + "iteration could not be cancelled and stop() was not called"));
        }
        return done;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Health

    private void checkOnLoop(Entry entry, CompletableFuture<Health> health) {
        ControllerState state;
        synchronized (entry) {
            state = entry.state;
        }
        if (state != ControllerState.RUNNING) {
            health.complete(snapshot(entry, null, null, false));
            return;
        }
        Invocation<Health.Status> check = invoke(entry, entry.healthMode, "healthCheck",
                entry.controller::healthCheckAsync, entry.controller::healthCheck, Health.Status.UP);
        Invocation.completesWithin(loop, check.result, healthCheckTimeout).whenComplete((answered, ignored) -> {
            if (!answered) {
                check.cancel();
                health.complete(snapshot(entry, null, null, true));
                return;
            }
            Throwable failure = failureOf(check.result);
            Health.Status own = failure == null ? check.result.join() : null;
            if (failure == null && own == null) {
                failure = new NullPointerException(entry.controller.getClass().getName()
                        + ".healthCheck returned null; return Health.Status.UP, DEGRADED or DOWN");
            }
            if (failure != null) {
                synchronized (entry) {
                    entry.lastError = new RecordedFailure(clock.instant(), "healthCheck", failure);
                }
            }
            health.complete(snapshot(entry, own, failure, false));
        });
    }

    private Health snapshot(Entry entry, Health.Status own, Throwable ownFailure, boolean ownTimedOut) {
        synchronized (entry) {
            Health.Status status;
            String reason;
            String method = entry.healthMode == Mode.ASYNC ? "healthCheckAsync()" : "healthCheck()";
            long consecutive = entry.consecutiveFailures;
            if (entry.state != ControllerState.RUNNING) {
                status = Health.Status.DOWN;
                reason = "not running (state " + entry.state + ")";
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
            Duration mean = entry.count == 0 ? Duration.ZERO : Duration.ofNanos(entry.totalNanos / entry.count);
            LoopStatistics loops = new LoopStatistics(entry.count, entry.skipped, Duration.ofNanos(entry.lastNanos),
                    mean, Duration.ofNanos(entry.maxNanos));
            return new Health(entry.name, status, reason, entry.state, consecutive, entry.failures, entry.period,
                    entry.currentPeriod, loops, entry.lastError, clock.instant());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private <T> Invocation<T> invoke(Entry entry, Mode mode, String step,
            Supplier<? extends CompletionStage<T>> async, Callable<T> plain, T absent) {
        switch (mode) {
            case ASYNC:
                return Invocation.async(loop, async, entry.controller.getClass().getName() + "." + step + "Async()"
                        + " of controller '" + entry.name + "'");
            case PLAIN:
                return Invocation.offloaded(loop, plain);
            default:
                return Invocation.completed(absent);
        }
    }

    private Entry entry(String name) {
        Objects.requireNonNull(name, "controller name");
        synchronized (entries) {
            Entry entry = entries.get(name);
            if (entry == null) {
                throw new IllegalArgumentException("runner '" + this.name + "' has no controller named '" + name
                        + "'; registered: " + entries.keySet());
            }
            return entry;
        }
    }

    private List<Entry> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries.values());
        }
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        if (!future.isCompletedExceptionally()) {
            return null;
        }
        try {
            future.join();
            return null;
        } catch (CancellationException cancelled) {
            return cancelled;
        } catch (RuntimeException wrapped) {
            return Invocation.unwrap(wrapped);
        }
    }

    private static Duration requirePositive(Duration value, String parameter) {
        Objects.requireNonNull(value, parameter);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(parameter + " must be a positive Duration (> 0), was " + value);
        }
        return Durations.requireWithinClock(value, parameter);
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

    /** One registered controller; mutable fields are guarded by the entry itself. */
    private static final class Entry {
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

        Entry(String name, Controller controller, Duration period, LoopBackoff backoff) {
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
    }

    /**
     * Settings of a {@link ControllerRunner}. Immutable: every setter returns a new builder; null and out-of-range
     * values are rejected at once.
     */
    public static final class Builder {
        private final EventLoop loop;
        private final String name;
        private final Duration stopTimeout;
        private final Duration healthCheckTimeout;
        private final int failuresUntilDown;

        private Builder(EventLoop loop, String name, Duration stopTimeout, Duration healthCheckTimeout,
                int failuresUntilDown) {
            this.loop = loop;
            this.name = name;
            this.stopTimeout = stopTimeout;
            this.healthCheckTimeout = healthCheckTimeout;
            this.failuresUntilDown = failuresUntilDown;
        }

        /** The runner's name in messages; default {@code "controllers"}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "runner name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("runner name must not be blank, was '" + name + "'");
            }
            return new Builder(loop, name, stopTimeout, healthCheckTimeout, failuresUntilDown);
        }

        /** How long {@code stop()} and {@code stopAll()} wait for each phase by default; default 10 seconds. */
        public Builder stopTimeout(Duration timeout) {
            return new Builder(loop, name, requirePositive(timeout, "stopTimeout"), healthCheckTimeout,
                    failuresUntilDown);
        }

        /** How long a controller's own health check may take before it counts as DOWN; default 10 seconds. */
        public Builder healthCheckTimeout(Duration timeout) {
            return new Builder(loop, name, stopTimeout, requirePositive(timeout, "healthCheckTimeout"),
                    failuresUntilDown);
        }

        /** After how many consecutive loop failures a controller is DOWN rather than DEGRADED; default 3. */
        public Builder failuresUntilDown(int failures) {
            if (failures < 1) {
                throw new IllegalArgumentException("failuresUntilDown must be >= 1, was " + failures);
            }
            return new Builder(loop, name, stopTimeout, healthCheckTimeout, failures);
        }

        /** The runner; it has no controllers yet. */
        public ControllerRunner build() {
            return new ControllerRunner(this);
        }
    }
}
