package dev.loopguard.hardware.usage;

import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Sensor;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A PI temperature controller driving a PWM heater, with conditional integration against wind-up. Any failed or
 * implausible read sets the duty cycle to 0 until a good reading arrives.
 */
final class PiController {
    private final Sensor sensor;
    private final PwmOutput heater;
    private final ScheduledExecutorService loop;
    private final double setpoint;
    private final double kp;
    private final double ki;
    private final Duration period;
    private double integral;

    PiController(Sensor sensor, PwmOutput heater, ScheduledExecutorService loop, double setpoint, double kp,
                 Duration integralTime, Duration period) {
        this.sensor = sensor;
        this.heater = heater;
        this.loop = loop;
        this.setpoint = setpoint;
        this.kp = kp;
        this.ki = kp / (integralTime.toNanos() / 1e9);
        this.period = period;
    }

    ScheduledFuture<?> start() {
        return loop.scheduleAtFixedRate(this::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        sensor.read().whenComplete((r, e) -> {
            double t = r == null ? Double.NaN : r.find(Quantity.TEMPERATURE).map(m -> m.value()).orElse(Double.NaN);
            if (e != null || !Double.isFinite(t)) {
                heater.dutyCycle(0);
                return;
            }
            double dt = period.toNanos() / 1e9;
            double error = setpoint - t;
            double candidate = integral + error * dt;
            double u = kp * error + ki * candidate;
            // integrate only while the output is not saturated in the direction the error pushes
            if ((u >= 0 && u <= 1) || (u > 1 && error < 0) || (u < 0 && error > 0)) {
                integral = candidate;
            }
            heater.dutyCycle(Math.max(0, Math.min(1, kp * error + ki * integral)));
        });
    }
}
