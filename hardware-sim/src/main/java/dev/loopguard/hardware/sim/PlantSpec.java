package dev.loopguard.hardware.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * Parameters of the {@link GreenhousePlant}.
 *
 * @param ambientTemperature     outside temperature in C over time
 * @param ambientHumidity        outside relative humidity in percent over time
 * @param initialTemperature     air temperature at the start, C
 * @param initialHumidity        relative humidity at the start, percent
 * @param initialSoilMoisture    soil moisture at the start, percent
 * @param timeConstant           thermal time constant with the fan off
 * @param heaterRise             steady-state rise above ambient with the heater fully on and the fan off, C
 * @param fanFactor              a fan at full speed multiplies the heat and vapour exchange with outside by
 *                               {@code 1 + fanFactor}
 * @param humidityTimeConstant   humidity time constant with the fan off
 * @param foggerRise             steady-state humidity rise above ambient with the fogger fully on, percent
 * @param soilDryingTimeConstant time constant of the soil drying out (exponential decay toward 0 %)
 * @param pumpRate               soil moisture gained per minute with the pump fully on, percent
 */
public record PlantSpec(SignalSpec ambientTemperature, SignalSpec ambientHumidity, double initialTemperature,
                        double initialHumidity, double initialSoilMoisture, Duration timeConstant, double heaterRise,
                        double fanFactor, Duration humidityTimeConstant, double foggerRise,
                        Duration soilDryingTimeConstant, double pumpRate) {

    /** Validates the parameters. */
    public PlantSpec {
        Objects.requireNonNull(ambientTemperature, "ambientTemperature");
        Objects.requireNonNull(ambientHumidity, "ambientHumidity");
        if (ambientTemperature instanceof SignalSpec.PlantVariable || ambientHumidity instanceof SignalSpec.PlantVariable) {
            throw new IllegalArgumentException("plant ambient signals cannot follow the plant itself");
        }
        Checks.finite("plant initialTemperature", initialTemperature);
        percent("plant initialHumidity", initialHumidity);
        percent("plant initialSoilMoisture", initialSoilMoisture);
        Checks.positive("plant timeConstant", timeConstant);
        Checks.notNegative("plant heaterRise", heaterRise);
        Checks.notNegative("plant fanFactor", fanFactor);
        Checks.positive("plant humidityTimeConstant", humidityTimeConstant);
        Checks.notNegative("plant foggerRise", foggerRise);
        Checks.positive("plant soilDryingTimeConstant", soilDryingTimeConstant);
        Checks.notNegative("plant pumpRate", pumpRate);
    }

    /**
     * A small hobby greenhouse: 12 C outside, heater able to lift it 15 C, 20 minute thermal time constant, fan
     * quadrupling the exchange, soil drying with a two-day time constant, pump adding 2 % a minute.
     */
    public static PlantSpec defaults() {
        return new PlantSpec(new SignalSpec.Constant(12), new SignalSpec.Constant(60), 12, 60, 40,
                Duration.ofMinutes(20), 15, 3, Duration.ofMinutes(10), 35, Duration.ofHours(48), 2);
    }

    private static void percent(String name, double v) {
        if (!(v >= 0 && v <= 100)) {
            throw new IllegalArgumentException(name + " must be a percentage in 0..100, was " + v);
        }
    }
}
