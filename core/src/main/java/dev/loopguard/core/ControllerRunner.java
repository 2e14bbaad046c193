package dev.loopguard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

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
    private final String name;
    private final Duration stopTimeout;
    private final Duration healthCheckTimeout;
    private final int failuresUntilDown;
    /** Guarded by itself; insertion order is registration order. */
    private final Map<String, RegisteredController> entries = new LinkedHashMap<>();

    private ControllerRunner(Builder builder) {
        this.loop = builder.loop;
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
        RegisteredController entry = new RegisteredController(name, controller, period, backoff, loop,
                healthCheckTimeout, failuresUntilDown);
        if (entry.loopMode == RegisteredController.Mode.NONE) {
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
        RegisteredController entry = entry(name);
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
        RegisteredController entry = entry(name);
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
            loop.execute(() -> entry.beginStart(epoch, started));
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
        List<RegisteredController> all = entries();
        if (all.isEmpty()) {
            throw new IllegalStateException("runner '" + name + "' has no controllers to start; register(...) some first");
        }
        List<String> active = new ArrayList<>();
        for (RegisteredController entry : all) {
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
        for (RegisteredController entry : all) {
            starts.add(start(entry.name));
        }
        return CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            if (error == null) {
                return null;
            }
            RuntimeException first = null;
            for (CompletableFuture<Void> start : starts) {
                Throwable failure = Invocation.failureOf(start);
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
        RegisteredController entry = entry(name);
        entry.beginStop();
        return entry.stopOnLoop(bound).thenApply(problems -> problems.isEmpty()
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
        List<RegisteredController> running = new ArrayList<>();
        Map<String, ControllerState> states = new LinkedHashMap<>();
        for (RegisteredController entry : entries()) {
            synchronized (entry) {
                states.put(entry.name, entry.state);
                if (entry.state == ControllerState.RUNNING) {
                    entry.state = ControllerState.STOPPING;
                    entry.tickSeq++;
                    entry.cancelPendingTick();
                    running.add(entry);
                }
            }
        }
        if (running.isEmpty()) {
            throw new IllegalStateException("runner '" + name + "' has no RUNNING controller to stop (states: "
                    + states + "); stop is allowed only after start");
        }
        List<CompletableFuture<List<String>>> stops = new ArrayList<>();
        for (RegisteredController entry : running) {
            stops.add(entry.stopOnLoop(bound));
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
        RegisteredController entry = entry(name);
        CompletableFuture<Health> health = new CompletableFuture<>();
        loop.execute(() -> entry.checkOnLoop(health));
        return health;
    }

    /** {@link #healthCheck(String)} for every controller, by name in registration order. */
    public CompletableFuture<Map<String, Health>> healthCheckAll() {
        List<RegisteredController> all = entries();
        List<CompletableFuture<Health>> checks = new ArrayList<>();
        for (RegisteredController entry : all) {
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

    private RegisteredController entry(String name) {
        Objects.requireNonNull(name, "controller name");
        synchronized (entries) {
            RegisteredController entry = entries.get(name);
            if (entry == null) {
                throw new IllegalArgumentException("runner '" + this.name + "' has no controller named '" + name
                        + "'; registered: " + entries.keySet());
            }
            return entry;
        }
    }

    private List<RegisteredController> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries.values());
        }
    }

    private static Duration requirePositive(Duration value, String parameter) {
        Objects.requireNonNull(value, parameter);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(parameter + " must be a positive Duration (> 0), was " + value);
        }
        return Durations.requireWithinClock(value, parameter);
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
