package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Controller;
import dev.loopguard.core.EventLoop;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Relay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps the air at a setpoint with a heater relay and hysteresis: on below {@code setpoint - hysteresis}, off above
 * {@code setpoint + hysteresis}. It reads the air temperature from {@link Measurements}; when the input has given no
 * value for {@code maxAge}, it switches the heater off (fail safe) and fails its iteration, so the runner records it.
 *
 * <p>Every {@code retuneEvery} it re-tunes its hysteresis from the hours it has seen ({@link HeaterTuning}), which is
 * CPU work of a few hundred milliseconds: it runs through {@link EventLoop#offload} and the new value is applied on
 * the loop when it is ready. The {@link Bug#STALL} mistake runs it inline, on the loop thread.
 */
final class HeaterController implements Controller {

    private final String input;
    private final Measurements measurements;
    private final Relay heater;
    private final EventLoop loop;
    private final double setpoint;
    private final Duration maxAge;
    private final Duration period;
    private final Duration retuneEvery;
    private final HeaterTuning.Model model;
    private final boolean tuneOnLoop;
    private final List<HeaterTuning.Sample> history = new ArrayList<>();
    private final Instant startedAt;
    private volatile double hysteresis;
    private Instant lastTuned;

    /**
     * @param tuneOnLoop the {@link Bug#STALL} mistake: re-tune on the loop thread
     */
    HeaterController(String input, Measurements measurements, Relay heater, EventLoop loop, double setpoint,
                     double hysteresis, Duration maxAge, Duration period, Duration retuneEvery,
                     HeaterTuning.Model model, boolean tuneOnLoop) {
        this.input = Objects.requireNonNull(input, "input");
        this.measurements = Objects.requireNonNull(measurements, "measurements");
        this.heater = Objects.requireNonNull(heater, "heater");
        this.loop = Objects.requireNonNull(loop, "loop");
        if (!(hysteresis > 0)) {
            throw new IllegalArgumentException("heater hysteresis must be > 0 C, was " + hysteresis);
        }
        this.setpoint = setpoint;
        this.hysteresis = hysteresis;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.period = Objects.requireNonNull(period, "period");
        this.retuneEvery = Objects.requireNonNull(retuneEvery, "retuneEvery");
        this.model = Objects.requireNonNull(model, "model");
        this.tuneOnLoop = tuneOnLoop;
        this.startedAt = loop.clock().instant();
        this.lastTuned = startedAt;
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        Instant now = loop.clock().instant();
        Optional<Measurements.Latest> latest = measurements.latest(input, Quantity.TEMPERATURE);
        Instant readAt = latest.map(Measurements.Latest::at).orElse(startedAt);
        if (Duration.between(readAt, now).compareTo(maxAge) > 0) {
            heater.off();
            return CompletableFuture.failedFuture(new IllegalStateException("no air temperature from input '"
                    + input + "' since " + readAt + " (" + AlertController.text(Duration.between(readAt, now))
                    + ", limit " + AlertController.text(maxAge) + "); the heater stays off until one arrives"));
        }
        if (latest.isEmpty()) {
            return CompletableFuture.completedFuture(null);       // still waiting for the first reading
        }
        double temperature = latest.get().value();
        if (temperature < setpoint - hysteresis) {
            heater.on();
        } else if (temperature > setpoint + hysteresis) {
            heater.off();
        }
        history.add(new HeaterTuning.Sample(Duration.between(startedAt, now).toNanos() / 1e9, temperature,
                heater.isOn()));
        if (Duration.between(lastTuned, now).compareTo(retuneEvery) < 0) {
            return CompletableFuture.completedFuture(null);
        }
        lastTuned = now;
        List<HeaterTuning.Sample> hours = List.copyOf(history);
        history.clear();
        if (tuneOnLoop) {
            // "It only runs every few hours": but while it runs, nothing else on the loop does.
            hysteresis = HeaterTuning.tune(hours, model, setpoint, 1.0, period, retuneEvery);
            return CompletableFuture.completedFuture(null);
        }
        return loop.offload(() -> HeaterTuning.tune(hours, model, setpoint, 1.0, period, retuneEvery))
                .thenAccept(tuned -> hysteresis = tuned);
    }

    @Override
    public void stop() {
        heater.off();
    }

    /** The hysteresis in force, in C. */
    double hysteresis() {
        return hysteresis;
    }
}
