package dev.loopguard.examples.greenhouse;

import dev.loopguard.core.Async;
import dev.loopguard.core.Controller;
import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.Sensor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Keeps the greenhouse air at a setpoint: a heater with hysteresis, and the fan at full speed when it is far too warm.
 *
 * <p>It is written the way event-loop code should be: {@link #loopAsync()} runs on the loop, reads the sensor
 * asynchronously, bounds the read with a timeout scheduled on the loop (a hung bus never answers), and never blocks.
 * Whatever goes wrong with the reading, the heater is switched off first (fail safe) and the failure is passed on so
 * the runner records it in the controller's health.
 */
public final class ClimateController implements Controller {

    /** SHT3x range; anything outside it is a broken reading, not a temperature. */
    private static final double MIN_PLAUSIBLE = -40.0;
    private static final double MAX_PLAUSIBLE = 125.0;

    private final Sensor air;
    private final Relay heater;
    private final PwmOutput fan;
    private final ScheduledExecutorService loop;
    private final double setpoint;
    private final double hysteresis;
    private final Duration readTimeout;
    private volatile double lastTemperature = Double.NaN;

    public ClimateController(Sensor air, Relay heater, PwmOutput fan, ScheduledExecutorService loop,
                             double setpoint, double hysteresis, Duration readTimeout) {
        this.air = Objects.requireNonNull(air, "air");
        this.heater = Objects.requireNonNull(heater, "heater");
        this.fan = Objects.requireNonNull(fan, "fan");
        this.loop = Objects.requireNonNull(loop, "loop");
        if (!(hysteresis > 0)) {
            throw new IllegalArgumentException("ClimateController hysteresis must be > 0 C, was " + hysteresis);
        }
        this.setpoint = setpoint;
        this.hysteresis = hysteresis;
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    }

    @Override
    public CompletionStage<Void> loopAsync() {
        return Async.timeout("read of sensor '" + air.id() + "'", air.read(), readTimeout, loop)
                .whenComplete((reading, failure) -> {
                    if (failure != null) {
                        failSafe();
                    } else {
                        control(reading);
                    }
                })
                .thenApply(reading -> null);
    }

    @Override
    public void stop() {
        failSafe();
    }

    /** The last plausible air temperature, or NaN before the first one. */
    public double lastTemperature() {
        return lastTemperature;
    }

    private void control(Reading reading) {
        double temperature = reading.value(Quantity.TEMPERATURE);
        if (Double.isNaN(temperature) || temperature < MIN_PLAUSIBLE || temperature > MAX_PLAUSIBLE) {
            failSafe();
            throw new IllegalStateException("sensor '" + air.id() + "' reported an implausible temperature "
                    + temperature + " C; the heater stays off until a plausible reading arrives");
        }
        lastTemperature = temperature;
        if (temperature < setpoint - hysteresis) {
            heater.on();
        } else if (temperature > setpoint + hysteresis) {
            heater.off();
        }
        fan.dutyCycle(temperature > setpoint + 4 * hysteresis ? 1.0 : 0.0);
    }

    private void failSafe() {
        heater.off();
        fan.dutyCycle(0.0);
    }
}
