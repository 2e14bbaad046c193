package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.loopguard.hardware.Quantity.CO2;
import static dev.loopguard.hardware.Quantity.HUMIDITY;
import static dev.loopguard.hardware.Quantity.LIGHT;
import static dev.loopguard.hardware.Quantity.MOISTURE;
import static dev.loopguard.hardware.Quantity.PRESSURE;
import static dev.loopguard.hardware.Quantity.TEMPERATURE;
import static dev.loopguard.hardware.Quantity.VOLTAGE;

/**
 * The simulated sensor models, with datasheet-like defaults. Every default can be overridden per device in the
 * scenario.
 */
public enum SensorModel {
    /** Maxim DS18B20 1-Wire thermometer: 750 ms conversion at 12 bit (0.0625 C), 85 C after a power-on reset. */
    DS18B20("ds18b20", Bus.ONE_WIRE, List.of(TEMPERATURE), new LatencySpec.Fixed(Duration.ofMillis(750)),
            Duration.ZERO, 0, Map.of(TEMPERATURE, new NoiseSpec(0.1, 0, 0.0625)), Map.of(TEMPERATURE, 20.0), 0, 85.0),
    /** Aosong DHT22 / AM2302: at most one read per 2 s (faster reads return the previous values), checksum errors. */
    DHT22("dht22", Bus.GPIO, List.of(TEMPERATURE, HUMIDITY),
            new LatencySpec.LongTail(Duration.ofMillis(25), Duration.ofMillis(250)), Duration.ofSeconds(2), 0,
            Map.of(TEMPERATURE, new NoiseSpec(0.2, 0, 0.1), HUMIDITY, new NoiseSpec(1.0, 0, 0.1)),
            Map.of(TEMPERATURE, 20.0, HUMIDITY, 55.0), 0.02, null),
    /** Bosch BME280 on I2C (0x76, or 0x77): forced-mode measurement of about 10 ms. */
    BME280("bme280", Bus.I2C, List.of(TEMPERATURE, HUMIDITY, PRESSURE), new LatencySpec.Fixed(Duration.ofMillis(10)),
            Duration.ZERO, 0x76, Map.of(TEMPERATURE, new NoiseSpec(0.05, 0, 0.01), HUMIDITY,
            new NoiseSpec(0.3, 0, 0.01), PRESSURE, new NoiseSpec(1.5, 0, 0.18)),
            Map.of(TEMPERATURE, 20.0, HUMIDITY, 50.0, PRESSURE, 101_325.0), 0, null),
    /** Sensirion SHT3x on I2C (0x44, or 0x45): 15 ms high-repeatability measurement. */
    SHT3X("sht3x", Bus.I2C, List.of(TEMPERATURE, HUMIDITY), new LatencySpec.Fixed(Duration.ofMillis(15)),
            Duration.ZERO, 0x44, Map.of(TEMPERATURE, new NoiseSpec(0.05, 0, 0.01), HUMIDITY,
            new NoiseSpec(0.2, 0, 0.01)), Map.of(TEMPERATURE, 20.0, HUMIDITY, 50.0), 0, null),
    /** Winsen MH-Z19 CO2 sensor over a serial port: about 1 s per answer, 1 ppm resolution. */
    MHZ19("mhz19", Bus.SERIAL, List.of(CO2), new LatencySpec.Normal(Duration.ofSeconds(1), Duration.ofMillis(50)),
            Duration.ZERO, 0, Map.of(CO2, new NoiseSpec(10, 0, 1)), Map.of(CO2, 420.0), 0, null),
    /** Rohm BH1750 light sensor on I2C (0x23, or 0x5C): 120..180 ms in high-resolution mode, 1 lx steps. */
    BH1750("bh1750", Bus.I2C, List.of(LIGHT),
            new LatencySpec.Uniform(Duration.ofMillis(120), Duration.ofMillis(180)), Duration.ZERO, 0x23,
            Map.of(LIGHT, new NoiseSpec(1.0, 0, 1)), Map.of(LIGHT, 300.0), 0, null),
    /**
     * Capacitive soil-moisture probe on an ADS1115 channel: 2.8 V dry, 1.2 V wet, read as moisture percent and the
     * voltage behind it (8 ms conversion at 128 samples per second).
     */
    SOIL_MOISTURE("soil-moisture", Bus.ADC, List.of(MOISTURE, VOLTAGE), new LatencySpec.Fixed(Duration.ofMillis(8)),
            Duration.ZERO, 0x48, Map.of(MOISTURE, new NoiseSpec(0.5, 0, 0), VOLTAGE, NoiseSpec.NONE),
            Map.of(MOISTURE, 40.0, VOLTAGE, 2.16), 0, null),
    /** One channel of a TI ADS1115 16-bit ADC at +/-4.096 V full scale (125 uV steps), 8 ms per conversion. */
    ADS1115("ads1115", Bus.ADC, List.of(VOLTAGE), new LatencySpec.Fixed(Duration.ofMillis(8)), Duration.ZERO, 0x48,
            Map.of(VOLTAGE, new NoiseSpec(0.0005, 0, 0.000125)), Map.of(VOLTAGE, 0.0), 0, null);

    /** How a sensor model is attached to the board. */
    public enum Bus {
        /** 1-Wire on a GPIO pin; several devices may share the pin. */
        ONE_WIRE,
        /** A dedicated GPIO pin. */
        GPIO,
        /** An I2C bus address. */
        I2C,
        /** A serial port. */
        SERIAL,
        /** A channel of an ADS1115 on I2C. */
        ADC
    }

    /** Full scale of the simulated ADS1115 in volts. */
    public static final double ADC_FULL_SCALE_VOLTS = 4.096;
    /** Soil probe output when dry. */
    static final double SOIL_DRY_VOLTS = 2.8;
    /** Soil probe output in water. */
    static final double SOIL_WET_VOLTS = 1.2;

    private final String key;
    private final Bus bus;
    private final List<Quantity> quantities;
    private final LatencySpec latency;
    private final Duration minInterval;
    private final int defaultAddress;
    private final Map<Quantity, NoiseSpec> noise;
    private final Map<Quantity, Double> typical;
    private final double crcErrorRate;
    private final Double sentinel;

    SensorModel(String key, Bus bus, List<Quantity> quantities, LatencySpec latency, Duration minInterval,
                int defaultAddress, Map<Quantity, NoiseSpec> noise, Map<Quantity, Double> typical,
                double crcErrorRate, Double sentinel) {
        this.key = key;
        this.bus = bus;
        this.quantities = quantities;
        this.latency = latency;
        this.minInterval = minInterval;
        this.defaultAddress = defaultAddress;
        this.noise = noise;
        this.typical = typical;
        this.crcErrorRate = crcErrorRate;
        this.sentinel = sentinel;
    }

    /** The type key in scenario files, e.g. {@code dht22}. */
    public String key() {
        return key;
    }

    /** How the model is attached. */
    public Bus bus() {
        return bus;
    }

    /** The channels, in order. */
    public List<Quantity> quantities() {
        return quantities;
    }

    /** Default read latency. */
    public LatencySpec latency() {
        return latency;
    }

    /** Shortest time between two real reads; reads sooner return the previous values. Zero for no limit. */
    public Duration minInterval() {
        return minInterval;
    }

    /** Default I2C address (for ADC models, the converter's address); 0 if not on I2C. */
    public int defaultAddress() {
        return defaultAddress;
    }

    /** Default noise of a channel. */
    public NoiseSpec noise(Quantity quantity) {
        return noise.getOrDefault(quantity, NoiseSpec.NONE);
    }

    /** Typical value of a channel, used as a constant signal when a scenario gives none and no plant applies. */
    public double typical(Quantity quantity) {
        return typical.getOrDefault(quantity, 0.0);
    }

    /** Default chance that a read fails its checksum (2 % for the DHT22, whose bit-banged protocol is fragile). */
    public double crcErrorRate() {
        return crcErrorRate;
    }

    /** The model's own sentinel value, or {@code null}. */
    public Double sentinel() {
        return sentinel;
    }

    static SensorModel fromKey(String key) {
        for (SensorModel m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        return null;
    }

    static String keys() {
        return Arrays.stream(values()).map(SensorModel::key).collect(Collectors.joining(", "));
    }
}
