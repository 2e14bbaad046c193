package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Controller;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.DigitalOutput;
import dev.loopguard.hardware.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Waters the beds: the pump runs from when the soil is drier than {@code dryBelow} percent until it is wetter than
 * {@code wetAbove}. Without a soil moisture value younger than {@code maxAge} the pump stops (a flooded bed is worse
 * than a dry hour) and the iteration fails, so the runner records it.
 */
final class WateringController implements Controller {

    private final Measurements measurements;
    private final String input;
    private final DigitalOutput pump;
    private final LoopClock clock;
    private final double dryBelow;
    private final double wetAbove;
    private final Duration maxAge;
    private final Instant startedAt;

    WateringController(Measurements measurements, String input, DigitalOutput pump, LoopClock clock, double dryBelow,
                       double wetAbove, Duration maxAge) {
        this.measurements = Objects.requireNonNull(measurements, "measurements");
        this.input = Objects.requireNonNull(input, "input");
        this.pump = Objects.requireNonNull(pump, "pump");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!(dryBelow < wetAbove)) {
            throw new IllegalArgumentException("watering needs dryBelow < wetAbove, was " + dryBelow + " and "
                    + wetAbove);
        }
        this.dryBelow = dryBelow;
        this.wetAbove = wetAbove;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.startedAt = clock.instant();
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        Instant now = clock.instant();
        Optional<Measurements.Latest> latest = measurements.latest(input, Quantity.MOISTURE);
        Instant readAt = latest.map(Measurements.Latest::at).orElse(startedAt);
        if (Duration.between(readAt, now).compareTo(maxAge) > 0) {
            pump.set(false);
            return CompletableFuture.failedFuture(new IllegalStateException("no soil moisture from input '" + input
                    + "' since " + readAt + "; the pump stays off until one arrives"));
        }
        if (latest.isPresent()) {
            double moisture = latest.get().value();
            if (moisture < dryBelow) {
                pump.set(true);
            } else if (moisture > wetAbove) {
                pump.set(false);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop() {
        pump.set(false);
    }
}
