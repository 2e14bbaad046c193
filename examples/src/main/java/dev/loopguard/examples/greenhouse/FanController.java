package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Controller;
import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ventilates: the fan's duty cycle rises with how far the air is too humid, too warm, or (while the air is warm
 * enough that the heater is not fighting the fan) too rich in CO2. A value older than {@code maxAge} is not used: the
 * fan does not run on a stale humidity.
 */
final class FanController implements Controller {

    static final double HUMID = 85.0;
    static final double CO2_HIGH = 1500.0;

    private final Measurements measurements;
    private final String temperatureInput;
    private final String humidityInput;
    private final String co2Input;
    private final PwmOutput fan;
    private final LoopClock clock;
    private final double setpoint;
    private final Duration maxAge;

    FanController(Measurements measurements, String temperatureInput, String humidityInput, String co2Input,
                  PwmOutput fan, LoopClock clock, double setpoint, Duration maxAge) {
        this.measurements = Objects.requireNonNull(measurements, "measurements");
        this.temperatureInput = Objects.requireNonNull(temperatureInput, "temperatureInput");
        this.humidityInput = Objects.requireNonNull(humidityInput, "humidityInput");
        this.co2Input = Objects.requireNonNull(co2Input, "co2Input");
        this.fan = Objects.requireNonNull(fan, "fan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.setpoint = setpoint;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        Instant now = clock.instant();
        double temperature = fresh(temperatureInput, Quantity.TEMPERATURE, now);
        double humidity = fresh(humidityInput, Quantity.HUMIDITY, now);
        double co2 = fresh(co2Input, Quantity.CO2, now);
        double duty = 0;
        if (!Double.isNaN(humidity)) {
            duty = Math.max(duty, (humidity - HUMID) / 10);
        }
        if (!Double.isNaN(temperature)) {
            duty = Math.max(duty, (temperature - (setpoint + 3)) / 3);
            if (!Double.isNaN(co2) && temperature >= setpoint) {
                duty = Math.max(duty, (co2 - CO2_HIGH) / 2000);
            }
        }
        fan.dutyCycle(Math.max(0, Math.min(1, duty)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop() {
        fan.dutyCycle(0);
    }

    private double fresh(String input, Quantity quantity, Instant now) {
        Optional<Measurements.Latest> latest = measurements.latest(input, quantity);
        return latest.filter(l -> Duration.between(l.at(), now).compareTo(maxAge) <= 0)
                .map(Measurements.Latest::value).orElse(Double.NaN);
    }
}
