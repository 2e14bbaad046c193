package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Relay;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GreenhousePlantTest {

    private static Scenario greenhouse(PlantSpec plant) {
        return new Scenario("plant", 1, plant, List.of(
                new DeviceSpec.OutputSpec("heater", true, 17, false, Actuator.HEATER),
                new DeviceSpec.PwmSpec("fan", 18, 25_000, 0, Actuator.FAN),
                new DeviceSpec.OutputSpec("fogger", true, 27, false, Actuator.FOGGER),
                new DeviceSpec.OutputSpec("pump", false, 22, false, Actuator.PUMP),
                DeviceSpec.SensorSpec.of("air", SensorModel.SHT3X, null)
                        .withChannel(Quantity.TEMPERATURE, null, NoiseSpec.NONE)));
    }

    @Test
    @DisplayName("with the heater on, air temperature approaches ambient + heaterRise exactly exponentially")
    void heaterExponentialApproach() {
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            GreenhousePlant plant = sim.board.plant().orElseThrow();
            sim.board.relay("heater").on();
            sim.advance(ofMinutes(20));
            assertThat(plant.temperature()).isCloseTo(12 + 15 * (1 - Math.exp(-1)), within(1e-9));
            sim.advance(ofMinutes(100));
            assertThat(plant.temperature()).isCloseTo(12 + 15 * (1 - Math.exp(-6)), within(1e-9));
            assertThat(plant.input(Actuator.HEATER)).isEqualTo(1.0);
        }
    }

    @Test
    @DisplayName("the result does not depend on how often the plant is read")
    void lazyIntegrationIsExact() {
        double once;
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            sim.board.relay("heater").on();
            sim.advance(ofMinutes(37));
            once = sim.board.plant().orElseThrow().temperature();
        }
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            sim.board.relay("heater").on();
            double t = 0;
            for (int i = 0; i < 37 * 6; i++) {
                sim.advance(ofSeconds(10));
                t = sim.board.plant().orElseThrow().temperature();
            }
            assertThat(t).isCloseTo(once, within(1e-9));
        }
    }

    @Test
    @DisplayName("the fan shortens the time constant and lowers the heater's steady state")
    void fanCools() {
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            Relay heater = sim.board.relay("heater");
            PwmOutput fan = sim.board.pwm("fan");
            heater.on();
            fan.dutyCycle(1.0);
            // k = 1 + 3 * 1 = 4: tau = 5 min, Teq = 12 + 15 / 4
            sim.advance(ofMinutes(5));
            double eq = 12 + 15 / 4.0;
            assertThat(sim.board.plant().orElseThrow().temperature())
                    .isCloseTo(eq + (12 - eq) * Math.exp(-1), within(1e-9));
        }
    }

    @Test
    @DisplayName("a sensor reading the plant sees the plant's temperature at the end of its conversion")
    void sensorReadsPlant() {
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            sim.board.relay("heater").on();
            sim.advance(ofMinutes(10));
            double reading = sim.read(sim.board.sensor("air"), Duration.ofMillis(15)).value(Quantity.TEMPERATURE);
            assertThat(reading).isCloseTo(sim.board.plant().orElseThrow().temperature(), within(0.006));
        }
    }

    @Test
    @DisplayName("the fogger raises humidity toward ambient + foggerRise")
    void fogger() {
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            sim.board.relay("fogger").on();
            sim.advance(ofMinutes(10));
            assertThat(sim.board.plant().orElseThrow().humidity())
                    .isCloseTo(95 + (60 - 95) * Math.exp(-1), within(1e-9));
        }
    }

    @Test
    @DisplayName("soil dries out over time and the pump wets it")
    void soil() {
        try (Sim sim = new Sim(greenhouse(PlantSpec.defaults()))) {
            GreenhousePlant plant = sim.board.plant().orElseThrow();
            sim.advance(ofHours(48));
            assertThat(plant.soilMoisture()).isCloseTo(40 * Math.exp(-1), within(1e-9));
            double before = plant.soilMoisture();
            sim.board.digitalOutput("pump").set(true);
            sim.advance(ofMinutes(10));
            double eq = 2.0 / 60 * 48 * 3600;
            assertThat(plant.soilMoisture()).isCloseTo(eq + (before - eq) * Math.exp(-600.0 / (48 * 3600)),
                    within(1e-9)).isGreaterThan(before + 19);
            sim.advance(ofHours(2));
            assertThat(plant.soilMoisture()).isEqualTo(100);
        }
    }

    @Test
    @DisplayName("with a daily ambient cycle and no heating, the air follows outside with a lag, inside its range")
    void followsDailyCycle() {
        PlantSpec d = PlantSpec.defaults();
        PlantSpec daily = new PlantSpec(new SignalSpec.Sine(12, 5, ofHours(24), Duration.ZERO),
                d.ambientHumidity(), 12, 60, 40, d.timeConstant(), d.heaterRise(), d.fanFactor(),
                d.humidityTimeConstant(), d.foggerRise(), d.soilDryingTimeConstant(), d.pumpRate());
        try (Sim sim = new Sim(greenhouse(daily))) {
            GreenhousePlant plant = sim.board.plant().orElseThrow();
            double max = Double.NEGATIVE_INFINITY;
            Duration maxAt = Duration.ZERO;
            for (int minute = 1; minute <= 24 * 60; minute++) {
                sim.advance(ofMinutes(1));
                double t = plant.temperature();
                assertThat(t).isBetween(7.0, 17.0);
                if (t > max) {
                    max = t;
                    maxAt = sim.board.elapsed();
                }
            }
            // outside peaks at 6 h; a 20 min time constant delays and slightly flattens the inside peak
            assertThat(maxAt).isBetween(ofHours(6).plusMinutes(10), ofHours(6).plusMinutes(30));
            assertThat(max).isBetween(16.5, 17.0);
        }
    }
}
