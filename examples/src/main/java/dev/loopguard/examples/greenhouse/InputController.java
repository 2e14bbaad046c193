package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Async;
import dev.loopguard.core.Controller;
import dev.loopguard.hardware.Sensor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Mycodo input: reads one sensor every period and keeps its values in {@link Measurements}.
 *
 * <p>{@link #loopAsync()} runs on the loop thread and never blocks: the read is asynchronous and bounded by a timeout
 * scheduled on the loop, because a hung bus never answers. A failed or timed-out read fails the iteration, so the
 * runner counts it in this input's health, and the controllers that use its values see them grow old and fail safe.
 */
final class InputController implements Controller {

    private final String name;
    private final Sensor sensor;
    private final Measurements measurements;
    private final ScheduledExecutorService loop;
    private final Duration readTimeout;
    private final boolean fireAndForget;

    /**
     * @param fireAndForget the {@link Bug#UNHANDLED} mistake: start the read and return without waiting for it
     */
    InputController(String name, Sensor sensor, Measurements measurements, ScheduledExecutorService loop,
                    Duration readTimeout, boolean fireAndForget) {
        this.name = Objects.requireNonNull(name, "name");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.measurements = Objects.requireNonNull(measurements, "measurements");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.fireAndForget = fireAndForget;
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        if (fireAndForget) {
            // The CO2 level is only shown on the status page, so this input does not wait for its read: the
            // iteration is over at once. When the read fails, its stage fails and nothing ever looks at it.
            sensor.read().thenAccept(reading -> measurements.store(name, reading));
            return CompletableFuture.completedFuture(null);
        }
        return Async.timeout("read of sensor '" + sensor.id() + "'", sensor.read(), readTimeout, loop)
                .thenAccept(reading -> measurements.store(name, reading));
    }
}
