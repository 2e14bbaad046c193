package dev.loopguard.hardware.sim;

import dev.loopguard.core.LoopClock;
import dev.loopguard.hardware.Quantity;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A greenhouse that sensors read and outputs drive, so a controller test closes the loop.
 *
 * <p>Air temperature follows a first-order model. With heater power {@code h} and fan speed {@code f} (both
 * 0..1), the heat exchange with outside is {@code k = 1 + fanFactor * f} times the fan-off exchange, so
 * <pre>
 *   tau  = timeConstant / k
 *   Teq  = ambient + heaterRise * h / k
 *   T(t) = Teq + (T0 - Teq) * exp(-t / tau)
 * </pre>
 * Humidity approaches {@code ambientHumidity + foggerRise * fogger} (capped at 100 %) the same way with
 * {@code humidityTimeConstant / k}. Soil moisture decays toward 0 with {@code soilDryingTimeConstant} and rises by
 * {@code pumpRate} percent per minute while the pump runs, capped at 100 %.
 *
 * <p>The model needs no periodic task: whenever it is read or an input changes it integrates up to the clock's
 * current time. Between input changes it uses the exact exponential solution; when the ambient signals vary it
 * steps at most {@value #MAX_STEP_SECONDS} s at a time with the ambient values at the middle of each step.
 *
 * <p>Thread-safe.
 */
public final class GreenhousePlant {
    static final long MAX_STEP_SECONDS = 30;
    private static final long MAX_STEP_NANOS = MAX_STEP_SECONDS * 1_000_000_000L;

    private final PlantSpec spec;
    private final LoopClock clock;
    private final long startNanos;
    private final SignalSource ambientTemperature;
    private final SignalSource ambientHumidity;
    private final boolean constantAmbient;
    private final Map<Actuator, Double> inputs = new EnumMap<>(Actuator.class);
    private long lastNanos;
    private double temperature;
    private double humidity;
    private double soilMoisture;

    GreenhousePlant(PlantSpec spec, LoopClock clock, long startNanos, SplittableRandom random) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startNanos = startNanos;
        this.ambientTemperature = SignalSource.of(spec.ambientTemperature(), Quantity.TEMPERATURE, null,
                random.split());
        this.ambientHumidity = SignalSource.of(spec.ambientHumidity(), Quantity.HUMIDITY, null, random.split());
        this.constantAmbient = spec.ambientTemperature() instanceof SignalSpec.Constant
                && spec.ambientHumidity() instanceof SignalSpec.Constant;
        for (Actuator a : Actuator.values()) {
            inputs.put(a, 0.0);
        }
        this.lastNanos = startNanos;
        this.temperature = spec.initialTemperature();
        this.humidity = spec.initialHumidity();
        this.soilMoisture = spec.initialSoilMoisture();
    }

    /** The parameters. */
    public PlantSpec spec() {
        return spec;
    }

    /** Air temperature now, C. */
    public synchronized double temperature() {
        advance();
        return temperature;
    }

    /** Relative humidity now, percent. */
    public synchronized double humidity() {
        advance();
        return humidity;
    }

    /** Soil moisture now, percent. */
    public synchronized double soilMoisture() {
        advance();
        return soilMoisture;
    }

    /** Outside temperature now, C. */
    public synchronized double ambientTemperature() {
        advance();
        return ambientTemperature.valueAt(clock.nanoTime() - startNanos);
    }

    /** The level an actuator is driven at, 0..1. */
    public synchronized double input(Actuator actuator) {
        return inputs.get(Objects.requireNonNull(actuator, "actuator"));
    }

    synchronized double variable(String name) {
        return switch (name) {
            case "temperature" -> temperature();
            case "humidity" -> humidity();
            case "soilMoisture" -> soilMoisture();
            case "ambientTemperature" -> ambientTemperature();
            default -> throw new IllegalArgumentException("unknown plant variable '" + name + "'");
        };
    }

    /** Integrates up to now, then applies the new input level from now on. */
    synchronized void drive(Actuator actuator, double level) {
        advance();
        inputs.put(actuator, level);
    }

    private void advance() {
        long now = clock.nanoTime();
        while (lastNanos < now) {
            long step = constantAmbient ? now - lastNanos : Math.min(MAX_STEP_NANOS, now - lastNanos);
            long mid = lastNanos + step / 2 - startNanos;
            integrate(step, ambientTemperature.valueAt(mid), ambientHumidity.valueAt(mid));
            lastNanos += step;
        }
    }

    private void integrate(long nanos, double ambientT, double ambientH) {
        double seconds = nanos / 1e9;
        double k = 1 + spec.fanFactor() * inputs.get(Actuator.FAN);
        double tau = spec.timeConstant().toNanos() / 1e9 / k;
        double tEq = ambientT + spec.heaterRise() * inputs.get(Actuator.HEATER) / k;
        temperature = tEq + (temperature - tEq) * Math.exp(-seconds / tau);

        double tauH = spec.humidityTimeConstant().toNanos() / 1e9 / k;
        double hEq = Math.min(100, Math.max(0, ambientH + spec.foggerRise() * inputs.get(Actuator.FOGGER)));
        humidity = hEq + (humidity - hEq) * Math.exp(-seconds / tauH);

        // dM/dt = -M / tauDry + rate * pump: exact solution; the path is monotone, so capping the end is exact too
        double tauDry = spec.soilDryingTimeConstant().toNanos() / 1e9;
        double mEq = spec.pumpRate() / 60.0 * inputs.get(Actuator.PUMP) * tauDry;
        soilMoisture = Math.min(100, Math.max(0, mEq + (soilMoisture - mEq) * Math.exp(-seconds / tauDry)));
    }
}
