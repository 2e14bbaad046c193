package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.DigitalInput;
import dev.loopguard.hardware.I2cDevice;
import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.Sensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BadInputTest {

    @Test
    @DisplayName("invalid pin numbers and I2C addresses are refused with the device, the value and the rule")
    void invalidPins() {
        assertThatThrownBy(() -> new DeviceSpec.OutputSpec("heater", true, 40, false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'heater' (relay) pin must be a BCM GPIO number 0..27, was 40");
        assertThatThrownBy(() -> new DeviceSpec.InputSpec("button", false, -1, Duration.ZERO, false, null, null))
                .hasMessage("device 'button' (digital-input) pin must be a BCM GPIO number 0..27, was -1");
        assertThatThrownBy(() -> new DeviceSpec.I2cSpec("rtc", 1, 0x80, Map.of()))
                .hasMessage("device 'rtc' (i2c) address must be a 7-bit I2C address 0x08..0x77, was 0x80");
        assertThatThrownBy(() -> DeviceSpec.SensorSpec.of("air", SensorModel.DHT22, null))
                .hasMessage("device 'air' (dht22) needs a 'pin' (BCM GPIO 0..27)");
        assertThatThrownBy(() -> DeviceSpec.SensorSpec.of("env", SensorModel.BME280, 4))
                .hasMessage("device 'env' (bme280) does not take 'pin': it is not attached to a GPIO pin");
    }

    @Test
    @DisplayName("a pin declared twice, or a device opened twice, is refused")
    void pinClaimedTwice() {
        assertThatThrownBy(() -> Scenario.of("twice", 1,
                new DeviceSpec.OutputSpec("heater", true, 17, false, null),
                new DeviceSpec.PwmSpec("fan", 17, 1000, 0, null)))
                .hasMessageStartingWith("device 'fan' (pwm) claims GPIO17, already claimed by device 'heater' (relay)");
        assertThatThrownBy(() -> Scenario.of("twice", 1,
                DeviceSpec.SensorSpec.of("a", SensorModel.SHT3X, null),
                DeviceSpec.SensorSpec.of("b", SensorModel.SHT3X, null)))
                .hasMessageStartingWith("device 'b' (sht3x) claims I2C bus 1 address 0x44, already claimed by device "
                        + "'a' (sht3x)");
        // sharing that real hardware allows: DS18B20s on one 1-Wire pin, channels of one ADS1115
        Scenario.of("shared", 1, DeviceSpec.SensorSpec.of("t1", SensorModel.DS18B20, null),
                DeviceSpec.SensorSpec.of("t2", SensorModel.DS18B20, null),
                DeviceSpec.SensorSpec.of("a0", SensorModel.ADS1115, null),
                new DeviceSpec.SensorSpec("a1", SensorModel.ADS1115, null, null, null, 1, null, null, null, null,
                        null, null, null));
        try (Sim sim = Sim.of(new DeviceSpec.OutputSpec("heater", true, 17, false, null))) {
            Relay first = sim.board.relay("heater");
            assertThatThrownBy(() -> sim.board.relay("heater")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("device 'heater' (relay, GPIO17) is already open; a pin or bus address can be "
                            + "claimed once: close the earlier handle or reuse it");
            first.close();
            sim.board.relay("heater").on();
        }
    }

    @Test
    @DisplayName("every operation on a closed device names the device and how to get an open one")
    void closedDevices() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null),
                new DeviceSpec.InputSpec("button", false, 5, Duration.ZERO, false, null, null),
                new DeviceSpec.PwmSpec("fan", 18, 1000, 0, null),
                new DeviceSpec.I2cSpec("rtc", 1, 0x68, Map.of()))) {
            Sensor probe = sim.board.sensor("probe");
            probe.close();
            assertThatThrownBy(probe::read).isInstanceOf(IllegalStateException.class)
                    .hasMessage("sensor 'probe' (ds18b20) is closed; read() needs an open sensor: open it again with "
                            + "board.sensor(\"probe\")");
            assertThatThrownBy(probe::readBlocking).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("sensor 'probe' (ds18b20) is closed; readBlocking()");
            DigitalInput button = sim.board.digitalInput("button");
            button.close();
            assertThatThrownBy(button::state).hasMessage("input 'button' (digital-input on GPIO5) is closed; state() "
                    + "needs an open input: open it again with board.digitalInput(\"button\")");
            PwmOutput fan = sim.board.pwm("fan");
            fan.close();
            assertThatThrownBy(() -> fan.dutyCycle(0.5)).hasMessageStartingWith("pwm 'fan' on GPIO18 is closed");
            I2cDevice rtc = sim.board.i2c("rtc");
            rtc.close();
            assertThatThrownBy(() -> rtc.readRegister(0)).hasMessageStartingWith("i2c 'rtc' at bus 1 address 0x68 "
                    + "is closed");
            sim.board.close();
            assertThatThrownBy(() -> sim.board.sensor("probe"))
                    .hasMessage("board 'test' is closed; opening 'probe' needs a running board");
        }
    }

    @Test
    @DisplayName("duty cycles outside 0..1, bad frequencies and register values are refused")
    void outOfRangeValues() {
        try (Sim sim = Sim.of(new DeviceSpec.PwmSpec("fan", 18, 1000, 0, null),
                new DeviceSpec.I2cSpec("rtc", 1, 0x68, Map.of()))) {
            PwmOutput fan = sim.board.pwm("fan");
            assertThatThrownBy(() -> fan.dutyCycle(1.01)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pwm 'fan' on GPIO18: duty cycle must be in 0.0..1.0, was 1.01");
            assertThatThrownBy(() -> fan.dutyCycle(Double.NaN))
                    .hasMessage("pwm 'fan' on GPIO18: duty cycle must be in 0.0..1.0, was NaN");
            assertThatThrownBy(() -> fan.frequency(-50))
                    .hasMessage("pwm 'fan' on GPIO18: frequency must be a positive, finite number of hertz, was -50.0");
            I2cDevice rtc = sim.board.i2c("rtc");
            assertThatThrownBy(() -> rtc.writeRegister(0x10, 256))
                    .hasMessage("i2c 'rtc' at bus 1 address 0x68: register value must be 0x00..0xFF (0..255), was 256");
            assertThatThrownBy(() -> rtc.readRegisters(0xFE, 4))
                    .hasMessage("i2c 'rtc' at bus 1 address 0x68: 4 registers from 0xfe run past 0xff; length must "
                            + "be 1..2");
        }
    }

    @Test
    @DisplayName("negative periods, durations and probabilities are refused with the rule")
    void negativePeriods() {
        assertThatThrownBy(() -> new SignalSpec.Sine(20, 5, Duration.ofHours(-24), Duration.ZERO))
                .hasMessage("sine period must be a positive duration, was -24h");
        assertThatThrownBy(() -> new LatencySpec.Fixed(Duration.ofMillis(-1)))
                .hasMessage("fixed latency value must be a duration >= 0, was -1ms");
        assertThatThrownBy(() -> FaultSpec.scripted(FaultSpec.Type.DISCONNECT, ofSeconds(10), ofSeconds(-30)))
                .hasMessage("fault 'disconnect' duration must be a positive duration, was -30s");
        assertThatThrownBy(() -> FaultSpec.random(FaultSpec.Type.IO_ERROR, 1.5))
                .hasMessage("fault 'io-error' probability must be in 0.0..1.0, was 1.5");
        assertThatThrownBy(() -> new DeviceSpec.InputSpec("b", false, 5, Duration.ofMillis(-5), false, null, null))
                .hasMessage("device 'b' (digital-input) debounce must be a duration >= 0, was -5ms");
    }

    @Test
    @DisplayName("opening an unknown id or the wrong kind of device says what the board has")
    void unknownAndWrongKind() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null),
                new DeviceSpec.OutputSpec("led", false, 16, false, null))) {
            assertThatThrownBy(() -> sim.board.sensor("prob"))
                    .hasMessage("the board has no device 'prob'; it has [probe, led]");
            assertThatThrownBy(() -> sim.board.relay("probe"))
                    .hasMessage("device 'probe' is a ds18b20, not a relay");
            assertThatThrownBy(() -> sim.board.relay("led"))
                    .hasMessage("device 'led' is a digital-output, not a relay; open it with digitalOutput(\"led\") "
                            + "or declare it as type relay");
            assertThatThrownBy(() -> sim.board.analogInput("probe"))
                    .hasMessage("device 'probe' is a ds18b20 sensor, not an analog input; open it with "
                            + "sensor(\"probe\") or declare an ads1115");
            assertThatThrownBy(() -> sim.board.sensor("probe").readBlocking(Duration.ZERO))
                    .hasMessage("sensor 'probe' (ds18b20): readBlocking timeout must be positive, was PT0S");
        }
    }

    @Test
    @DisplayName("a board and its executor must share a clock")
    void clockMismatch() {
        try (Sim sim = Sim.of()) {
            assertThatThrownBy(() -> SimulatedBoard.start(Scenario.of("x", 1), dev.loopguard.core.LoopClock.system(),
                    sim.loop)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pass the loop's own clock");
        }
        assertThatThrownBy(() -> new Scenario("x", 1, null, List.of(
                DeviceSpec.SensorSpec.of("t", SensorModel.DS18B20, null)
                        .withChannel(dev.loopguard.hardware.Quantity.TEMPERATURE, new SignalSpec.PlantVariable(null),
                                null))))
                .hasMessage("device 't' channel temperature follows the plant, but the scenario has no plant; add a "
                        + "'plant' section");
    }
}
