package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Controller;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link Bug#BLOCKING} mistake: an input for a sensor that answers quickly, read with the driver's blocking call.
 *
 * <p>It reads like a reasonable shortcut: the soil probe's ADS1115 converts in 8 ms, so why build a future for it? It
 * implements {@code loopAsync()} because that step runs on the loop and skips the hand-off to a worker. But every
 * period the loop thread now sleeps while the converter works, and every other controller on the loop waits; on a bus
 * that hangs, it waits for the whole read timeout. {@link InputController} does the same job without blocking. (A
 * plain {@code loop()} would have been fine too: the runner calls it off the loop.)
 */
final class QuickReadInput implements Controller {

    private final String name;
    private final Sensor sensor;
    private final Measurements measurements;
    private final Duration readTimeout;

    QuickReadInput(String name, Sensor sensor, Measurements measurements, Duration readTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.measurements = Objects.requireNonNull(measurements, "measurements");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        Reading reading = sensor.readBlocking(readTimeout);
        measurements.store(name, reading);
        return CompletableFuture.completedFuture(null);
    }
}
