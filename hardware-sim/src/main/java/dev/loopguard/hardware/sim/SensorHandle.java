package dev.loopguard.hardware.sim;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.EventLoopThread;
import dev.loopguard.hardware.AnalogInput;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** An open simulated sensor (an analog input too when the model is an ADC channel). */
final class SensorHandle implements AnalogInput {
    private final SensorRuntime sensor;
    private final SimulatedBoard board;
    private final Set<CompletableFuture<Reading>> pending = new HashSet<>();
    private boolean closed;

    SensorHandle(SensorRuntime sensor, SimulatedBoard board) {
        this.sensor = sensor;
        this.board = board;
    }

    @Override
    public String id() {
        return sensor.id();
    }

    @Override
    public List<Quantity> quantities() {
        return sensor.quantities();
    }

    @Override
    public int channel() {
        return sensor.spec.channel() == null ? 0 : sensor.spec.channel();
    }

    @Override
    public double fullScaleVolts() {
        return SensorModel.ADC_FULL_SCALE_VOLTS;
    }

    @Override
    public CompletionStage<Double> readVolts() {
        return read().thenApply(r -> r.value(Quantity.VOLTAGE));
    }

    @Override
    public CompletionStage<Reading> read() {
        checkOpen("read()");
        SensorRuntime.Plan plan = sensor.plan();
        if (plan.cached() != null) {
            return CompletableFuture.completedFuture(plan.cached());
        }
        CompletableFuture<Reading> result = new CompletableFuture<>();
        track(result);
        if (plan.outcome() == SensorRuntime.Outcome.TIMEOUT) {
            return result; // a hung device never answers; close() fails it so nothing waits forever unnoticed
        }
        board.executor().schedule(() -> {
            if (untrack(result)) {
                try {
                    result.complete(sensor.complete(plan));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        }, plan.latencyNanos(), TimeUnit.NANOSECONDS);
        return result;
    }

    @Override
    public Reading readBlocking() {
        return readBlocking(sensor.timeout());
    }

    @Override
    public Reading readBlocking(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(sensor.describe() + ": readBlocking timeout must be positive, was "
                    + timeout);
        }
        checkOpen("readBlocking()");
        SensorRuntime.Plan plan = sensor.plan();
        if (plan.cached() != null) {
            return plan.cached();
        }
        boolean timesOut = plan.outcome() == SensorRuntime.Outcome.TIMEOUT
                || plan.latencyNanos() > timeout.toNanos();
        long waitNanos = timesOut ? timeout.toNanos() : plan.latencyNanos();
        String caller = Thread.currentThread().getName();
        if (!board.clock().isVirtual() || Thread.currentThread() instanceof EventLoopThread) {
            // Real time, or a loop thread that is itself what would move virtual time: hold the thread for real.
            sleep(waitNanos);
            checkOpen("readBlocking()");
            return finish(plan, timesOut, timeout, caller);
        }
        if (isOffloadWorker()) {
            // VirtualClock does not move while an offloaded call is pending, so waiting for it would deadlock:
            // offloaded work takes no virtual time, and neither does this read.
            return finish(plan, timesOut, timeout, caller);
        }
        CompletableFuture<Reading> result = new CompletableFuture<>();
        track(result);
        board.executor().schedule(() -> {
            if (untrack(result)) {
                try {
                    result.complete(finish(plan, timesOut, timeout, caller));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        }, waitNanos, TimeUnit.NANOSECONDS);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            untrack(result);
            throw new IllegalStateException(sensor.describe() + ": readBlocking() was interrupted on "
                    + Thread.currentThread().getName(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(sensor.describe() + ": read failed", e.getCause());
        }
    }

    /** Whether this thread runs an {@code EventLoop.offload(...)} call of the board's loop. */
    private boolean isOffloadWorker() {
        return board.executor() instanceof EventLoop loop
                && EventLoop.offloadingLoop().filter(owner -> owner == loop).isPresent();
    }

    private Reading finish(SensorRuntime.Plan plan, boolean timesOut, Duration timeout, String caller) {
        if (timesOut) {
            throw sensor.timedOut(timeout, caller);
        }
        return sensor.complete(plan);
    }

    private void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(sensor.describe() + ": readBlocking() was interrupted on "
                    + Thread.currentThread().getName(), e);
        }
    }

    @Override
    public boolean isClosed() {
        synchronized (pending) {
            return closed;
        }
    }

    @Override
    public void close() {
        List<CompletableFuture<Reading>> unfinished;
        synchronized (pending) {
            if (closed) {
                return;
            }
            closed = true;
            unfinished = List.copyOf(pending);
            pending.clear();
        }
        for (CompletableFuture<Reading> f : unfinished) {
            f.completeExceptionally(new IllegalStateException(sensor.describe()
                    + " was closed while a read was pending"));
        }
        board.release(id());
    }

    private void track(CompletableFuture<Reading> f) {
        synchronized (pending) {
            pending.add(f);
        }
    }

    private boolean untrack(CompletableFuture<Reading> f) {
        synchronized (pending) {
            return pending.remove(f);
        }
    }

    private void checkOpen(String operation) {
        if (isClosed()) {
            throw new IllegalStateException(sensor.describe() + " is closed; " + operation
                    + " needs an open sensor: open it again with board.sensor(\"" + id() + "\")");
        }
    }

    @Override
    public String toString() {
        return sensor.describe() + (isClosed() ? " [closed]" : "");
    }
}
