package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.AnalogInput;
import dev.loopguard.hardware.DigitalInput;
import dev.loopguard.hardware.DigitalOutput;
import dev.loopguard.hardware.Edge;
import dev.loopguard.hardware.EdgeEvent;
import dev.loopguard.hardware.I2cDevice;
import dev.loopguard.hardware.PwmOutput;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.Sensor;
import dev.loopguard.hardware.SensorException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.loopguard.hardware.sim.Recorder.State.state;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DevicesTest {

    @Test
    @DisplayName("a DS18B20 answers after its 750 ms conversion with a value quantised to 0.0625 C")
    void ds18b20ConversionTimeAndResolution() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null))) {
            Sensor probe = sim.board.sensor("probe");
            CompletionStage<Reading> stage = probe.read();
            sim.advance(ofMillis(749));
            assertThat(stage.toCompletableFuture()).isNotDone();
            sim.advance(ofMillis(1));
            Reading r = Sim.done(stage);
            assertThat(r.timestamp()).isEqualTo(sim.clock.instant());
            assertThat(sim.board.elapsed()).isEqualTo(ofMillis(750));
            double t = r.value(Quantity.TEMPERATURE);
            assertThat(t).isCloseTo(20.0, within(0.5));
            assertThat(t / 0.0625).isCloseTo(Math.rint(t / 0.0625), within(1e-9));
            assertThat(r.measurements().get(0).unit()).isEqualTo("C");
        }
    }

    @Test
    @DisplayName("a DHT22 read within 2 s of the last returns the previous values, and a later read is fresh")
    void dht22RateLimit() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("air", SensorModel.DHT22, 4).withCrcErrorRate(0))) {
            Sensor air = sim.board.sensor("air");
            Reading first = sim.read(air, ofMillis(500));
            assertThat(first.measurements()).extracting(m -> m.quantity())
                    .containsExactly(Quantity.TEMPERATURE, Quantity.HUMIDITY);
            Reading cached = Sim.done(air.read());
            assertThat(cached).isSameAs(first);
            assertThat(sim.board.recorder().events("air", RecordedEvent.Kind.FAULT))
                    .extracting(RecordedEvent::name).containsExactly("rate-limit");
            sim.advance(ofSeconds(2));
            Reading fresh = sim.read(air, ofMillis(500));
            assertThat(fresh.timestamp()).isAfter(first.timestamp());
        }
    }

    @Test
    @DisplayName("a DHT22 fails about 2 % of reads with a checksum error by default")
    void dht22ChecksumFailures() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("air", SensorModel.DHT22, 4))) {
            Sensor air = sim.board.sensor("air");
            int failures = 0;
            for (int i = 0; i < 1000; i++) {
                CompletionStage<Reading> stage = air.read();
                sim.advance(ofSeconds(3));
                if (stage.toCompletableFuture().isCompletedExceptionally()) {
                    failures++;
                    assertThat(stage.toCompletableFuture()).failsWithin(Duration.ZERO).withThrowableThat()
                            .havingCause().isInstanceOfSatisfying(SensorException.class,
                                    e -> assertThat(e.kind()).isEqualTo(SensorException.Kind.CRC_ERROR));
                }
            }
            assertThat(failures).isBetween(8, 35);
        }
    }

    @Test
    @DisplayName("a BME280 reads temperature, humidity and pressure in C, percent and Pa")
    void bme280Channels() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("env", SensorModel.BME280, null))) {
            Reading r = sim.read(sim.board.sensor("env"), ofMillis(10));
            assertThat(r.measurements()).extracting(m -> m.quantity().key() + "/" + m.unit())
                    .containsExactly("temperature/C", "humidity/percent", "pressure/Pa");
            assertThat(r.value(Quantity.PRESSURE)).isCloseTo(101_325, within(10.0));
            assertThat(r.value(Quantity.HUMIDITY)).isCloseTo(50, within(2.0));
        }
    }

    @Test
    @DisplayName("an SHT3x answers after 15 ms")
    void sht3xLatency() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("sht", SensorModel.SHT3X, null))) {
            CompletionStage<Reading> stage = sim.board.sensor("sht").read();
            sim.advance(ofMillis(14));
            assertThat(stage.toCompletableFuture()).isNotDone();
            sim.advance(ofMillis(1));
            assertThat(Sim.done(stage).value(Quantity.TEMPERATURE)).isCloseTo(20, within(0.3));
        }
    }

    @Test
    @DisplayName("an MH-Z19 answers in about a second with whole ppm")
    void mhz19() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("co2", SensorModel.MHZ19, null))) {
            Sensor co2 = sim.board.sensor("co2");
            for (int i = 0; i < 20; i++) {
                CompletionStage<Reading> stage = co2.read();
                sim.advance(ofMillis(750));
                assertThat(stage.toCompletableFuture()).isNotDone();
                sim.advance(ofMillis(500));
                double ppm = Sim.done(stage).value(Quantity.CO2);
                assertThat(ppm).isCloseTo(420, within(60.0)).isEqualTo(Math.rint(ppm));
            }
        }
    }

    @Test
    @DisplayName("a BH1750 answers within 120..180 ms in high-resolution mode")
    void bh1750() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("lux", SensorModel.BH1750, null))) {
            Sensor lux = sim.board.sensor("lux");
            for (int i = 0; i < 20; i++) {
                CompletionStage<Reading> stage = lux.read();
                sim.advance(ofMillis(119));
                assertThat(stage.toCompletableFuture()).isNotDone();
                sim.advance(ofMillis(61));
                assertThat(Sim.done(stage).value(Quantity.LIGHT)).isCloseTo(300, within(10.0));
            }
        }
    }

    @Test
    @DisplayName("a soil probe on an ADS1115 reports moisture and the probe voltage behind it")
    void soilMoistureProbe() {
        Scenario s = new Scenario("soil", 1, PlantSpec.defaults(), List.of(
                DeviceSpec.SensorSpec.of("soil", SensorModel.SOIL_MOISTURE, null)));
        try (Sim sim = new Sim(s)) {
            Reading r = sim.read(sim.board.sensor("soil"), ofMillis(8));
            double m = r.value(Quantity.MOISTURE);
            assertThat(m).isCloseTo(sim.board.plant().orElseThrow().soilMoisture(), within(2.0));
            assertThat(r.value(Quantity.VOLTAGE)).isCloseTo(2.8 - 1.6 * m / 100, within(0.001));
        }
    }

    @Test
    @DisplayName("an ADS1115 channel reads volts in 125 uV steps and saturates at full scale")
    void analogInput() {
        try (Sim sim = Sim.of(
                DeviceSpec.SensorSpec.of("a0", SensorModel.ADS1115, null)
                        .withChannel(Quantity.VOLTAGE, new SignalSpec.Constant(1.234), null),
                new DeviceSpec.SensorSpec("a1", SensorModel.ADS1115, null, null, null, 1, null,
                        Map.of(Quantity.VOLTAGE, new DeviceSpec.ChannelSpec(new SignalSpec.Constant(5), null)),
                        null, null, null, null, List.of()))) {
            AnalogInput a0 = sim.board.analogInput("a0");
            CompletionStage<Double> volts = a0.readVolts();
            sim.advance(ofMillis(8));
            double v = Sim.done(volts);
            assertThat(v).isCloseTo(1.234, within(0.003));
            assertThat(v / 0.000125).isCloseTo(Math.rint(v / 0.000125), within(1e-6));
            AnalogInput a1 = sim.board.analogInput("a1");
            assertThat(a1.channel()).isEqualTo(1);
            CompletionStage<Double> high = a1.readVolts();
            sim.advance(ofMillis(8));
            assertThat(Sim.done(high)).isEqualTo(a1.fullScaleVolts());
        }
    }

    @Test
    @DisplayName("a float switch follows its scripted levels after its debounce, with edges delivered on the chosen executor")
    void floatSwitchDebounceAndListeners() {
        DeviceSpec.InputSpec spec = new DeviceSpec.InputSpec("tank-low", true, 22, ofMillis(100), false,
                List.of(new DeviceSpec.LevelChange(ofSeconds(10), true),
                        new DeviceSpec.LevelChange(ofSeconds(20), false)), List.of());
        try (Sim sim = Sim.of(spec)) {
            DigitalInput input = sim.board.digitalInput("tank-low");
            List<EdgeEvent> rising = new CopyOnWriteArrayList<>();
            List<EdgeEvent> all = new CopyOnWriteArrayList<>();
            AtomicInteger delivered = new AtomicInteger();
            Executor listeners = task -> {
                delivered.incrementAndGet();
                task.run();
            };
            input.onEdge(Edge.RISING, listeners, rising::add);
            input.onEdge(listeners, all::add);
            sim.advanceTo(ofMillis(10_050));
            assertThat(input.state()).isFalse();
            sim.advanceTo(ofMillis(10_100));
            assertThat(input.state()).isTrue();
            sim.advanceTo(ofSeconds(30));
            assertThat(input.state()).isFalse();
            assertThat(rising).extracting(EdgeEvent::state).containsExactly(true);
            assertThat(all).extracting(EdgeEvent::edge).containsExactly(Edge.RISING, Edge.FALLING);
            assertThat(all.get(0).timestamp()).isEqualTo(sim.clock.instant().minus(ofSeconds(30))
                    .plus(ofMillis(10_100)));
            assertThat(delivered).hasValue(3);
            sim.board.recorder().assertStatesAndTimes("tank-low", Duration.ZERO,
                    state(Duration.ZERO, false), state(ofMillis(10_100), true), state(ofMillis(20_100), false));
        }
    }

    @Test
    @DisplayName("a bouncing button produces many raw edges but one debounced edge")
    void bounceIsDebounced() {
        FaultSpec bounce = new FaultSpec(FaultSpec.Type.BOUNCE, Duration.ZERO, null, null, null, null, null, null, 3,
                ofMillis(5));
        try (Sim sim = Sim.of(
                new DeviceSpec.InputSpec("raw", false, 5, Duration.ZERO, false, List.of(), List.of(bounce)),
                new DeviceSpec.InputSpec("debounced", false, 6, ofMillis(20), false, List.of(), List.of(bounce)))) {
            sim.board.driveInput("raw", true);
            sim.board.driveInput("debounced", true);
            sim.advance(ofSeconds(1));
            // 1 edge + 3 bounces of two edges each, after the initial level
            assertThat(sim.board.recorder().states("raw")).hasSize(1 + 1 + 6);
            assertThat(sim.board.recorder().states("raw").get(7).state()).isTrue();
            sim.board.recorder().assertStates("debounced", false, true);
            assertThat(sim.board.recorder().events("debounced", RecordedEvent.Kind.FAULT))
                    .extracting(RecordedEvent::detail).containsExactly("3 bounces within 5ms");
        }
    }

    @Test
    @DisplayName("outputs and active-low relays record every change; repeated sets are not changes")
    void outputsAndRelays() {
        try (Sim sim = Sim.of(new DeviceSpec.OutputSpec("led", false, 17, false, null),
                new DeviceSpec.OutputSpec("pump", true, 27, true, null))) {
            DigitalOutput led = sim.board.digitalOutput("led");
            Relay pump = sim.board.relay("pump");
            led.set(true);
            sim.advance(ofSeconds(1));
            led.set(true);
            led.toggle();
            pump.on();
            sim.advance(ofMinutes(5));
            pump.off();
            assertThat(led.isHigh()).isFalse();
            assertThat(pump.isOn()).isFalse();
            assertThat(pump.activeLow()).isTrue();
            sim.board.recorder().assertStates("led", false, true, false);
            sim.board.recorder().assertStatesAndTimes("pump", ofMillis(1),
                    state(Duration.ZERO, false), state(ofSeconds(1), true), state(ofSeconds(301), false));
            assertThat(sim.board.recorder().events("pump", RecordedEvent.Kind.ACTUATION))
                    .extracting(RecordedEvent::detail).containsExactly("initial", "pin low", "pin high");
        }
    }

    @Test
    @DisplayName("PWM keeps the exact duty cycle and frequency it was given")
    void pwmExact() {
        try (Sim sim = Sim.of(new DeviceSpec.PwmSpec("fan", 18, 25_000, 0, null))) {
            PwmOutput fan = sim.board.pwm("fan");
            fan.dutyCycle(1.0 / 3);
            fan.frequency(24_999.5);
            assertThat(fan.dutyCycle()).isEqualTo(1.0 / 3);
            assertThat(fan.frequency()).isEqualTo(24_999.5);
            assertThat(sim.board.recorder().events("fan", RecordedEvent.Kind.ACTUATION))
                    .extracting(RecordedEvent::name, RecordedEvent::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("frequency", 25_000.0),
                            org.assertj.core.groups.Tuple.tuple("duty", 0.0),
                            org.assertj.core.groups.Tuple.tuple("duty", 1.0 / 3),
                            org.assertj.core.groups.Tuple.tuple("frequency", 24_999.5));
        }
    }

    @Test
    @DisplayName("an I2C register map keeps what is written and starts from its declared values")
    void i2cRegisters() {
        try (Sim sim = Sim.of(new DeviceSpec.I2cSpec("rtc", 1, 0x68, Map.of(0x00, 0x59, 0x0F, 0x80)))) {
            I2cDevice rtc = sim.board.i2c("rtc");
            assertThat(rtc.readRegister(0x00)).isEqualTo(0x59);
            assertThat(rtc.readRegister(0x01)).isZero();
            rtc.writeRegister(0x01, 0xAB);
            rtc.writeRegisters(0x10, new byte[] {1, 2, (byte) 0xFF});
            assertThat(rtc.readRegister(0x01)).isEqualTo(0xAB);
            assertThat(rtc.readRegisters(0x0F, 4)).containsExactly((byte) 0x80, 1, 2, (byte) 0xFF);
            assertThat(sim.board.recorder().events("rtc")).extracting(RecordedEvent::detail)
                    .containsExactly("0x01=0xab", "0x10=0x01", "0x11=0x02", "0x12=0xff");
        }
    }

    @Test
    @DisplayName("closing a sensor fails its pending reads instead of leaving them hanging")
    void closeFailsPendingReads() {
        try (Sim sim = Sim.of(DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null))) {
            Sensor probe = sim.board.sensor("probe");
            CompletionStage<Reading> stage = probe.read();
            probe.close();
            assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
            assertThat(stage.toCompletableFuture()).failsWithin(Duration.ZERO).withThrowableThat()
                    .withMessageContaining("sensor 'probe' (ds18b20) was closed while a read was pending");
            sim.advance(ofSeconds(1));
            assertThat(sim.board.recorder().events("probe", RecordedEvent.Kind.READING)).isEmpty();
            // released: it can be opened again and reads normally
            assertThat(sim.read(sim.board.sensor("probe"), ofSeconds(1)).value(Quantity.TEMPERATURE))
                    .isCloseTo(20.0, within(0.5));
        }
    }
}
