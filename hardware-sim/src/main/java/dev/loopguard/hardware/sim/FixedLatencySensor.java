package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import dev.loopguard.hardware.SensorException;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A temperature sensor whose every read takes exactly {@code latency} and returns the same value: no noise, no
 * faults, no rate limit, and nothing recorded. The read is completed by a task scheduled on the executor, so no
 * thread sleeps for the latency; {@link #readBlocking()} waits for that same scheduled completion. Sensors made with
 * {@link #on(ReadTimer, String, Duration, double)} share one {@link ReadTimer}, which completes all reads due at the
 * same tick of its resolution with one task: their latency is rounded up to that resolution.
 *
 * <p>It is meant for measuring how code that waits on many reads scales (the {@code benchmarks} module reads
 * thousands of them per operation). A {@link SimulatedBoard} sensor is the faithful model of a device, but its
 * {@link Recorder} keeps every reading, so its memory grows with every read; this one keeps
 * nothing but what a pending read needs.
 *
 * <p>Limits: a {@link #readBlocking()} on the thread of the {@link EventLoop} that completes the reads, or inside
 * that loop's {@code offload(...)} on a virtual clock, could never return and fails at once instead; with a plain
 * executor the caller must not block the executor's only thread. Closing the sensor fails its pending reads when
 * their latency has passed.
 */
public final class FixedLatencySensor implements Sensor {
    /** The resolution of a sensor's own timer: every read completes exactly its latency after it started. */
    private static final Duration EXACT = Duration.ofNanos(1);

    private final String id;
    private final long latencyNanos;
    private final double temperature;
    private final ReadTimer timer;
    private final LoopClock clock;
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    private FixedLatencySensor(ReadTimer timer, String id, Duration latency, double temperature) {
        this.id = Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("fixed-latency sensor id must not be blank");
        }
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException(describe(id) + " latency must be a duration >= 0, was " + latency);
        }
        if (!Double.isFinite(temperature)) {
            throw new IllegalArgumentException(describe(id) + " temperature must be a finite number, was "
                    + temperature);
        }
        this.latencyNanos = latency.toNanos();
        this.temperature = temperature;
        this.timer = Objects.requireNonNull(timer, "timer");
        this.clock = timer.clock();
        this.executor = timer.executor();
    }

    /** A sensor whose reads complete on {@code loop}, on its clock, each exactly {@code latency} after it starts. */
    public static FixedLatencySensor on(EventLoop loop, String id, Duration latency, double temperature) {
        return new FixedLatencySensor(ReadTimer.on(loop, EXACT), id, latency, temperature);
    }

    /**
     * A sensor whose reads {@code timer} completes, together with the reads of the other sensors on that timer that
     * are due at the same tick: each read takes {@code latency} rounded up to the timer's resolution.
     */
    public static FixedLatencySensor on(ReadTimer timer, String id, Duration latency, double temperature) {
        return new FixedLatencySensor(timer, id, latency, temperature);
    }

    /**
     * A sensor whose reads are completed by tasks scheduled on {@code executor}, timestamped by {@code clock}; the
     * executor must run on that clock (a {@code ScheduledThreadPoolExecutor} with {@link LoopClock#system()}).
     */
    public static FixedLatencySensor on(LoopClock clock, ScheduledExecutorService executor, String id,
                                        Duration latency, double temperature) {
        return new FixedLatencySensor(ReadTimer.on(clock, executor, EXACT), id, latency, temperature);
    }

    /** How long every read takes. */
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<Quantity> quantities() {
        return List.of(Quantity.TEMPERATURE);
    }

    @Override
    public CompletionStage<Reading> read() {
        checkOpen("read()");
        return scheduleRead();
    }

    @Override
    public Reading readBlocking() {
        return readBlocking(DeviceSpec.SensorSpec.DEFAULT_TIMEOUT);
    }

    @Override
    public Reading readBlocking(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(describe() + ": readBlocking timeout must be positive, was " + timeout);
        }
        checkOpen("readBlocking()");
        if (executor instanceof EventLoop loop) {
            boolean onLoop = loop.inEventLoop();
            boolean offloadedOnVirtualTime = clock.isVirtual()
                    && EventLoop.offloadingLoop().filter(owner -> owner == loop).isPresent();
            if (onLoop || offloadedOnVirtualTime) {
                throw new IllegalStateException(describe() + ": readBlocking() on " + Thread.currentThread().getName()
                        + " would wait for a completion that " + loop.name() + (onLoop ? " itself must run"
                        : " runs only when virtual time moves, which it does not while an offloaded call is pending")
                        + "; use read() and chain on its stage instead");
            }
        }
        CompletableFuture<Reading> result = scheduleRead();
        if (timeout.toNanos() < latencyNanos) {
            String caller = Thread.currentThread().getName();
            executor.schedule(() -> {
                result.completeExceptionally(new SensorException(id, SensorException.Kind.TIMEOUT, describe()
                        + " did not answer within " + millis(timeout.toNanos()) + " (blocking read on " + caller
                        + "); its reads take " + millis(latencyNanos) + ", so give readBlocking a longer timeout"));
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(describe() + ": readBlocking() was interrupted on "
                    + Thread.currentThread().getName(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(describe() + ": read failed", e.getCause());
        }
    }

    private CompletableFuture<Reading> scheduleRead() {
        return timer.start(this, latencyNanos);
    }

    double temperature() {
        return temperature;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen(String operation) {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed; " + operation + " needs an open sensor");
        }
    }

    String describe() {
        return describe(id);
    }

    private static String describe(String id) {
        return "fixed-latency sensor '" + id + "'";
    }

    private static String millis(long nanos) {
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + " ms";
    }

    @Override
    public String toString() {
        return describe() + " (" + millis(latencyNanos) + ")" + (closed ? " [closed]" : "");
    }
}
