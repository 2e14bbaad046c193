package dev.loopguard.hardware.usage;

import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.Sensor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An on/off thermostat with hysteresis, written as a user would against the public hardware interfaces. Everything
 * runs on one event loop: reads are asynchronous and bounded by a timeout scheduled on the same loop. After
 * {@code maxFailures} failed or implausible reads in a row it switches the heater off and keeps it off until a
 * good reading arrives.
 */
final class Thermostat {
    private final Sensor sensor;
    private final Relay heater;
    private final ScheduledExecutorService loop;
    private final double setpoint;
    private final double hysteresis;
    private final Duration period;
    private final Duration readTimeout;
    private final int maxFailures;
    private boolean reading;
    private int failures;
    private int safeStops;

    Thermostat(Sensor sensor, Relay heater, ScheduledExecutorService loop, double setpoint, double hysteresis,
               Duration period, Duration readTimeout, int maxFailures) {
        this.sensor = sensor;
        this.heater = heater;
        this.loop = loop;
        this.setpoint = setpoint;
        this.hysteresis = hysteresis;
        this.period = period;
        this.readTimeout = readTimeout;
        this.maxFailures = maxFailures;
    }

    ScheduledFuture<?> start() {
        return loop.scheduleAtFixedRate(this::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    int safeStops() {
        return safeStops;
    }

    private void tick() {
        if (reading) {
            return; // the previous read is still within its timeout
        }
        reading = true;
        CompletableFuture<Reading> result = new CompletableFuture<>();
        ScheduledFuture<?> timeout = loop.schedule(() -> result.completeExceptionally(
                new TimeoutException(sensor.id() + " did not answer within " + readTimeout)),
                readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        sensor.read().whenComplete((r, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(r);
            }
        });
        result.whenComplete((r, e) -> {
            timeout.cancel(false);
            reading = false;
            double t = r == null ? Double.NaN : r.find(Quantity.TEMPERATURE).map(m -> m.value()).orElse(Double.NaN);
            if (e != null || !plausible(t)) {
                failed();
            } else {
                control(t);
            }
        });
    }

    /** NaN, out-of-range values and the DS18B20's 85 C power-on value are not temperatures of a greenhouse. */
    private static boolean plausible(double t) {
        return Double.isFinite(t) && t > -40 && t < 60;
    }

    private void control(double t) {
        failures = 0;
        if (t < setpoint - hysteresis) {
            heater.on();
        } else if (t > setpoint + hysteresis) {
            heater.off();
        }
    }

    private void failed() {
        if (++failures == maxFailures && heater.isOn()) {
            safeStops++;
        }
        if (failures >= maxFailures) {
            heater.off();
        }
    }
}
