package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.Measurement;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Completes the reads of {@link FixedLatencySensor}s on one scheduler: a read started at {@code t} is due at
 * {@code t + latency} rounded up to a multiple of the {@link #resolution()}, and all reads due at the same tick, of
 * any sensor sharing the timer, are completed by one scheduled task, one after the other in the order they started.
 *
 * <p>Why it exists: with one scheduled task per read, starting and completing ten thousand reads costs the
 * scheduler's thread about 0.35 µs each (a queue hand-over, a wake-up, a priority-queue insert and removal per
 * read), 3.5 ms before any latency, which is what a benchmark of a 1 ms read would then measure. With a resolution
 * of a few microseconds, a read costs a push onto its tick's list; the latency is still produced by the scheduler,
 * never by a sleeping thread, and a read never completes before its latency has passed: the rounding makes it up to
 * one resolution later, never earlier.
 *
 * <p>A resolution of one nanosecond (what {@link FixedLatencySensor#on(EventLoop, String, Duration, double)} uses)
 * keeps every deadline exact: only reads started at the same clock reading share a task.
 *
 * <p>Limits: reads pending when the scheduler stops (its loop closed) never complete, as with any task the
 * scheduler drops; a read started after the scheduler was shut down fails at once with
 * {@link RejectedExecutionException}. Reads of sensors with different latencies share a task only when their ticks
 * coincide; the timer keeps one open tick, so interleaving many latencies costs one task per change of tick.
 */
public final class ReadTimer {

    /** Above this a latency is not rounded (the tick arithmetic would overflow); such a read gets its own task. */
    private static final long LONGEST_ROUNDED_NANOS = Long.MAX_VALUE / 4;

    private final LoopClock clock;
    private final ScheduledExecutorService executor;
    private final long resolutionNanos;
    /** The tick most recently opened; reads due at the same tick join it. A stale value only costs sharing. */
    private volatile Tick open;

    private ReadTimer(LoopClock clock, ScheduledExecutorService executor, Duration resolution) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(resolution, "resolution");
        if (resolution.isNegative() || resolution.isZero() || resolution.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("read timer resolution must be a duration from 1 ns to 1 s, was "
                    + resolution);
        }
        this.resolutionNanos = resolution.toNanos();
    }

    /** A timer whose reads are completed on {@code loop}, on the loop's clock. */
    public static ReadTimer on(EventLoop loop, Duration resolution) {
        Objects.requireNonNull(loop, "loop");
        return new ReadTimer(loop.clock(), loop, resolution);
    }

    /**
     * A timer whose reads are completed by tasks scheduled on {@code executor} and timestamped by {@code clock}; the
     * executor must run on that clock (a {@code ScheduledThreadPoolExecutor} with {@link LoopClock#system()}).
     */
    public static ReadTimer on(LoopClock clock, ScheduledExecutorService executor, Duration resolution) {
        if (executor instanceof EventLoop loop && loop.clock() != clock) {
            throw new IllegalArgumentException("executor " + loop.name() + " runs on " + loop.clock()
                    + " but the read timer was given " + clock + "; pass the loop's own clock (or use on(loop, ...))");
        }
        return new ReadTimer(clock, executor, resolution);
    }

    /** The step deadlines are rounded up to. */
    public Duration resolution() {
        return Duration.ofNanos(resolutionNanos);
    }

    LoopClock clock() {
        return clock;
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    /** Starts a read of {@code sensor} that completes after {@code latencyNanos}, rounded up to the resolution. */
    CompletableFuture<Reading> start(FixedLatencySensor sensor, long latencyNanos) {
        PendingRead read = new PendingRead(sensor);
        long now = clock.nanoTime();
        if (latencyNanos > LONGEST_ROUNDED_NANOS) {
            schedule(new Tick(now + latencyNanos), read, latencyNanos);
            return read;
        }
        long due = roundUp(now + latencyNanos);
        Tick tick = open;
        if (tick != null && tick.due == due) {
            // The shutdown check keeps a read from joining a tick that the stopping scheduler may never run.
            if (executor.isShutdown()) {
                throw new RejectedExecutionException(sensor + " cannot start a read: its scheduler " + executor
                        + " is shut down");
            }
            if (tick.add(read)) {
                return read;
            }
        }
        Tick fresh = new Tick(due);
        schedule(fresh, read, due - now);
        open = fresh;
        return read;
    }

    /**
     * Schedules {@code tick} with {@code read} already on it, before any other thread can see the tick: if the
     * scheduler refuses it, no other read was added to it and only this caller sees the failure.
     */
    private void schedule(Tick tick, PendingRead read, long delayNanos) {
        tick.add(read);
        executor.schedule(tick, delayNanos, TimeUnit.NANOSECONDS);
    }

    private long roundUp(long deadline) {
        return -Math.floorDiv(-deadline, resolutionNanos) * resolutionNanos;
    }

    @Override
    public String toString() {
        return "read timer on " + executor + " (resolution " + resolutionNanos + " ns)";
    }

    /** A read in flight: its future, its sensor, and the next read of the same tick. */
    private static final class PendingRead extends CompletableFuture<Reading> {
        final FixedLatencySensor sensor;
        PendingRead next;

        PendingRead(FixedLatencySensor sensor) {
            this.sensor = sensor;
        }
    }

    /** Marks a tick whose task has taken its reads: later reads must open a new tick. */
    private static final PendingRead FIRED = new PendingRead(null);

    /** The reads due at one deadline; the task that completes them all when it comes. */
    private final class Tick implements Runnable {
        final long due;
        private final AtomicReference<PendingRead> last = new AtomicReference<>();

        Tick(long due) {
            this.due = due;
        }

        /** Adds {@code read} to this tick, unless its task has already run. */
        boolean add(PendingRead read) {
            for (;;) {
                PendingRead previous = last.get();
                if (previous == FIRED) {
                    return false;
                }
                read.next = previous;
                if (last.compareAndSet(previous, read)) {
                    return true;
                }
            }
        }

        @Override
        public void run() {
            PendingRead newestFirst = last.getAndSet(FIRED);
            // The list holds the newest read first; complete in the order the reads started.
            PendingRead oldestFirst = null;
            while (newestFirst != null) {
                PendingRead next = newestFirst.next;
                newestFirst.next = oldestFirst;
                oldestFirst = newestFirst;
                newestFirst = next;
            }
            Instant now = clock.instant();
            double listTemperature = Double.NaN;
            List<Measurement> measurements = null;
            for (PendingRead read = oldestFirst; read != null; ) {
                PendingRead next = read.next;
                read.next = null;
                FixedLatencySensor sensor = read.sensor;
                if (sensor.isClosed()) {
                    read.completeExceptionally(new IllegalStateException(sensor.describe()
                            + " was closed while a read was pending"));
                } else {
                    // Reads of one tick share the timestamp, and the measurement list while the value is the same.
                    double temperature = sensor.temperature();
                    if (measurements == null || Double.compare(temperature, listTemperature) != 0) {
                        listTemperature = temperature;
                        measurements = List.of(new Measurement(0, Quantity.TEMPERATURE,
                                Quantity.TEMPERATURE.unit(), temperature, now));
                    }
                    read.complete(new Reading(sensor.id(), now, measurements));
                }
                read = next;
            }
        }

        @Override
        public String toString() {
            return "completion of fixed-latency sensor reads due at " + due + " ns on " + clock;
        }
    }
}
