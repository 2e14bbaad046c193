package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A device declared in a {@link Scenario}: a sensor, a digital input, a digital output or relay, a PWM output or
 * an I2C register map. Every record validates itself; messages name the device id, the value and the rule.
 */
public sealed interface DeviceSpec {
    /** Highest BCM GPIO number on a Raspberry Pi header. */
    int MAX_GPIO = 27;

    /** The id controllers open the device by. */
    String id();

    /** The type key in scenario files, e.g. {@code dht22}, {@code relay}. */
    String type();

    /**
     * The board resources the device occupies, e.g. {@code GPIO17} or {@code I2C bus 1 address 0x76}. Only
     * DS18B20s share a 1-Wire pin, and only ADS1115 channels share the converter's address.
     */
    List<String> claims();

    /**
     * A sensor.
     *
     * @param id           the device id
     * @param model        which sensor
     * @param pin          GPIO pin for 1-Wire and GPIO models (DS18B20 defaults to GPIO4), else {@code null}
     * @param bus          I2C bus for I2C and ADC models ({@code null}: 1)
     * @param address      I2C address ({@code null}: the model's default)
     * @param channel      ADC channel 0..3 for ADC models ({@code null}: 0)
     * @param port         serial port for serial models ({@code null}: {@code /dev/serial0})
     * @param channels     signal and noise per quantity; missing quantities use the defaults
     * @param latency      read latency ({@code null}: the model's)
     * @param minInterval  minimum time between real reads ({@code null}: the model's)
     * @param timeout      how long {@code readBlocking()} waits for a device that does not answer
     *                     ({@code null}: 5 s)
     * @param crcErrorRate chance a read fails its checksum ({@code null}: the model's)
     * @param faults       the fault timeline
     */
    record SensorSpec(String id, SensorModel model, Integer pin, Integer bus, Integer address, Integer channel,
                      String port, Map<Quantity, ChannelSpec> channels, LatencySpec latency, Duration minInterval,
                      Duration timeout, Double crcErrorRate, List<FaultSpec> faults) implements DeviceSpec {
        /** Default blocking-read timeout. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

        /** Validates the record against the model. */
        public SensorSpec {
            id = checkId(id);
            Objects.requireNonNull(model, "model");
            String what = "device '" + id + "' (" + model.key() + ")";
            channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels == null ? Map.of() : channels));
            faults = List.copyOf(faults == null ? List.of() : faults);
            for (Map.Entry<Quantity, ChannelSpec> e : channels.entrySet()) {
                Objects.requireNonNull(e.getValue(), what + " channel " + e.getKey().key());
                if (!model.quantities().contains(e.getKey())) {
                    throw new IllegalArgumentException(what + " has no " + e.getKey().key() + " channel; it measures "
                            + model.quantities().stream().map(Quantity::key).toList());
                }
            }
            DeviceSpec.ChannelSpec probeVolts = channels.get(Quantity.VOLTAGE);
            if (model == SensorModel.SOIL_MOISTURE && probeVolts != null && probeVolts.signal() != null) {
                throw new IllegalArgumentException(what + " channel voltage follows the moisture channel and takes "
                        + "no signal of its own; give the signal to the moisture channel");
            }
            boolean pinned = model.bus() == SensorModel.Bus.ONE_WIRE || model.bus() == SensorModel.Bus.GPIO;
            boolean i2c = model.bus() == SensorModel.Bus.I2C || model.bus() == SensorModel.Bus.ADC;
            if (pinned) {
                if (pin == null && model.bus() == SensorModel.Bus.GPIO) {
                    throw new IllegalArgumentException(what + " needs a 'pin' (BCM GPIO 0.." + MAX_GPIO + ")");
                }
                if (pin != null) {
                    checkPin(what, pin);
                }
            } else {
                rejectField(what, "pin", pin, "it is not attached to a GPIO pin");
            }
            if (i2c) {
                if (bus != null && bus < 0) {
                    throw new IllegalArgumentException(what + " bus must be >= 0, was " + bus);
                }
                if (address != null) {
                    checkAddress(what, address);
                }
            } else {
                rejectField(what, "bus", bus, "it is not on I2C");
                rejectField(what, "address", address, "it is not on I2C");
            }
            if (model.bus() == SensorModel.Bus.ADC) {
                if (channel != null && (channel < 0 || channel > 3)) {
                    throw new IllegalArgumentException(what + " channel must be an ADS1115 input 0..3, was " + channel);
                }
            } else {
                rejectField(what, "channel", channel, "it is not on an ADC");
            }
            if (model.bus() == SensorModel.Bus.SERIAL) {
                if (port != null && port.isBlank()) {
                    throw new IllegalArgumentException(what + " port must not be blank");
                }
            } else {
                rejectField(what, "port", port, "it is not on a serial port");
            }
            if (minInterval != null) {
                Checks.notNegative(what + " minInterval", minInterval);
            }
            if (timeout != null) {
                Checks.positive(what + " timeout", timeout);
            }
            if (crcErrorRate != null) {
                Checks.probability(what + " crcErrorRate", crcErrorRate);
            }
            for (FaultSpec f : faults) {
                if (f.type() == FaultSpec.Type.BOUNCE) {
                    throw new IllegalArgumentException(what + ": fault 'bounce' applies to digital inputs, not sensors");
                }
                if (f.type() == FaultSpec.Type.SENTINEL && f.value() == null && model.sentinel() == null) {
                    throw new IllegalArgumentException(what + ": fault 'sentinel' needs a 'value'; only the DS18B20 "
                            + "has a sentinel of its own (85 C)");
                }
                for (Quantity q : f.channels()) {
                    if (!model.quantities().contains(q)) {
                        throw new IllegalArgumentException(what + ": fault '" + f.type().key() + "' names channel "
                                + q.key() + ", but the sensor measures "
                                + model.quantities().stream().map(Quantity::key).toList());
                    }
                }
            }
        }

        /** A sensor with all defaults, on {@code pin} if the model needs one, else at its default location. */
        public static SensorSpec of(String id, SensorModel model, Integer pin) {
            return new SensorSpec(id, model, pin, null, null, null, null, Map.of(), null, null, null, null,
                    List.of());
        }

        /** A copy with {@code signal} and {@code noise} for {@code quantity}. */
        public SensorSpec withChannel(Quantity quantity, SignalSpec signal, NoiseSpec noise) {
            Map<Quantity, ChannelSpec> copy = new LinkedHashMap<>(channels);
            copy.put(quantity, new ChannelSpec(signal, noise));
            return new SensorSpec(id, model, pin, bus, address, channel, port, copy, latency, minInterval, timeout,
                    crcErrorRate, faults);
        }

        /** A copy with {@code latency}. */
        public SensorSpec withLatency(LatencySpec latency) {
            return new SensorSpec(id, model, pin, bus, address, channel, port, channels, latency, minInterval,
                    timeout, crcErrorRate, faults);
        }

        /** A copy with {@code crcErrorRate}. */
        public SensorSpec withCrcErrorRate(double crcErrorRate) {
            return new SensorSpec(id, model, pin, bus, address, channel, port, channels, latency, minInterval,
                    timeout, crcErrorRate, faults);
        }

        /** A copy with {@code fault} appended to the timeline. */
        public SensorSpec withFault(FaultSpec fault) {
            List<FaultSpec> copy = new ArrayList<>(faults);
            copy.add(Objects.requireNonNull(fault, "fault"));
            return new SensorSpec(id, model, pin, bus, address, channel, port, channels, latency, minInterval,
                    timeout, crcErrorRate, copy);
        }

        @Override
        public String type() {
            return model.key();
        }

        @Override
        public List<String> claims() {
            int b = bus == null ? 1 : bus;
            int a = address == null ? model.defaultAddress() : address;
            return switch (model.bus()) {
                case ONE_WIRE -> List.of("GPIO" + (pin == null ? 4 : pin));
                case GPIO -> List.of("GPIO" + pin);
                case I2C -> List.of(i2cClaim(b, a));
                case SERIAL -> List.of("serial " + (port == null ? "/dev/serial0" : port));
                case ADC -> List.of(i2cClaim(b, a),
                        "ADS1115 " + i2cClaim(b, a) + " channel " + (channel == null ? 0 : channel));
            };
        }
    }

    /**
     * Signal and noise of one sensor channel.
     *
     * @param signal the true value over time ({@code null}: the plant if the scenario has one and the quantity is
     *               temperature, humidity or moisture, else the model's typical value)
     * @param noise  the noise ({@code null}: the model's)
     */
    record ChannelSpec(SignalSpec signal, NoiseSpec noise) {
    }

    /**
     * A digital input.
     *
     * @param id       the device id
     * @param floatSwitch whether this is a float switch (type {@code float-switch}) rather than a plain input
     * @param pin      BCM GPIO pin
     * @param debounce debounce time
     * @param initial  level at the start
     * @param levels   scripted raw level changes
     * @param faults   the fault timeline (only {@code bounce})
     */
    record InputSpec(String id, boolean floatSwitch, int pin, Duration debounce, boolean initial,
                     List<LevelChange> levels, List<FaultSpec> faults) implements DeviceSpec {
        /** Validates the record. */
        public InputSpec {
            id = checkId(id);
            String what = "device '" + id + "' (" + (floatSwitch ? "float-switch" : "digital-input") + ")";
            checkPin(what, pin);
            Checks.notNegative(what + " debounce", Objects.requireNonNull(debounce, what + " debounce"));
            levels = List.copyOf(levels == null ? List.of() : levels);
            faults = List.copyOf(faults == null ? List.of() : faults);
            for (int i = 1; i < levels.size(); i++) {
                if (levels.get(i).at().compareTo(levels.get(i - 1).at()) < 0) {
                    throw new IllegalArgumentException(what + " levels must be in time order, but level " + i
                            + " at " + DurationText.format(levels.get(i).at()) + " comes before "
                            + DurationText.format(levels.get(i - 1).at()));
                }
            }
            for (FaultSpec f : faults) {
                if (f.type() != FaultSpec.Type.BOUNCE) {
                    throw new IllegalArgumentException(what + ": fault '" + f.type().key()
                            + "' applies to sensors; a digital input takes only 'bounce'");
                }
            }
        }

        @Override
        public String type() {
            return floatSwitch ? "float-switch" : "digital-input";
        }

        @Override
        public List<String> claims() {
            return List.of("GPIO" + pin);
        }
    }

    /**
     * A scripted raw level change of an input.
     *
     * @param at    when, from the start of the board
     * @param level the new raw level
     */
    record LevelChange(Duration at, boolean level) {
        /** Validates the time. */
        public LevelChange {
            Checks.notNegative("level change at", at);
        }
    }

    /**
     * A digital output or a relay.
     *
     * @param id        the device id
     * @param relay     whether this is a relay (type {@code relay}) rather than a plain output
     * @param pin       BCM GPIO pin
     * @param activeLow for a relay: whether it closes when the pin is low
     * @param drives    the plant input it drives, or {@code null}
     */
    record OutputSpec(String id, boolean relay, int pin, boolean activeLow, Actuator drives) implements DeviceSpec {
        /** Validates the record. */
        public OutputSpec {
            id = checkId(id);
            String what = "device '" + id + "' (" + (relay ? "relay" : "digital-output") + ")";
            checkPin(what, pin);
            if (!relay && activeLow) {
                throw new IllegalArgumentException(what + ": activeLow applies to relays only");
            }
        }

        @Override
        public String type() {
            return relay ? "relay" : "digital-output";
        }

        @Override
        public List<String> claims() {
            return List.of("GPIO" + pin);
        }
    }

    /**
     * A PWM output.
     *
     * @param id        the device id
     * @param pin       BCM GPIO pin
     * @param frequency initial frequency in hertz
     * @param dutyCycle initial duty cycle 0..1
     * @param drives    the plant input it drives (at the duty cycle as a fraction of full power), or {@code null}
     */
    record PwmSpec(String id, int pin, double frequency, double dutyCycle, Actuator drives) implements DeviceSpec {
        /** Validates the record. */
        public PwmSpec {
            id = checkId(id);
            String what = "device '" + id + "' (pwm)";
            checkPin(what, pin);
            if (!(frequency > 0) || Double.isInfinite(frequency)) {
                throw new IllegalArgumentException(what + " frequency must be a positive number of hertz, was "
                        + frequency);
            }
            Checks.probability(what + " dutyCycle", dutyCycle);
        }

        @Override
        public String type() {
            return "pwm";
        }

        @Override
        public List<String> claims() {
            return List.of("GPIO" + pin);
        }
    }

    /**
     * An I2C register map.
     *
     * @param id        the device id
     * @param bus       the bus number
     * @param address   the 7-bit address
     * @param registers initial register values; registers not listed read 0
     */
    record I2cSpec(String id, int bus, int address, Map<Integer, Integer> registers) implements DeviceSpec {
        /** Validates the record. */
        public I2cSpec {
            id = checkId(id);
            String what = "device '" + id + "' (i2c)";
            if (bus < 0) {
                throw new IllegalArgumentException(what + " bus must be >= 0, was " + bus);
            }
            checkAddress(what, address);
            registers = Collections.unmodifiableMap(new TreeMap<>(registers == null ? Map.of() : registers));
            for (Map.Entry<Integer, Integer> e : registers.entrySet()) {
                checkByte(what + " register number", e.getKey());
                checkByte(what + " register 0x" + Integer.toHexString(e.getKey()) + " value", e.getValue());
            }
        }

        @Override
        public String type() {
            return "i2c";
        }

        @Override
        public List<String> claims() {
            return List.of(i2cClaim(bus, address));
        }
    }

    private static String checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("device id must start with a letter or digit and contain only "
                    + "letters, digits, '_', '.' and '-', was '" + id + "'");
        }
        return id;
    }

    private static void checkPin(String what, int pin) {
        if (pin < 0 || pin > MAX_GPIO) {
            throw new IllegalArgumentException(what + " pin must be a BCM GPIO number 0.." + MAX_GPIO + ", was " + pin);
        }
    }

    private static void checkAddress(String what, int address) {
        if (address < 0x08 || address > 0x77) {
            throw new IllegalArgumentException(what + " address must be a 7-bit I2C address 0x08..0x77, was 0x"
                    + Integer.toHexString(address));
        }
    }

    static int checkByte(String what, Integer v) {
        Objects.requireNonNull(v, what);
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException(what + " must be 0x00..0xFF (0..255), was " + v);
        }
        return v;
    }

    private static void rejectField(String what, String field, Object value, String why) {
        if (value != null) {
            throw new IllegalArgumentException(what + " does not take '" + field + "': " + why);
        }
    }

    private static String i2cClaim(int bus, int address) {
        return "I2C bus " + bus + " address 0x" + Integer.toHexString(address);
    }
}
