package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.SensorException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a {@link Recorder} timeline.
 *
 * <p>Kinds and names:
 * <ul>
 *   <li>{@link Kind#READING}: one event per channel; {@code name} is the quantity key, {@code value} the value,
 *       {@code unit} its unit.</li>
 *   <li>{@link Kind#ACTUATION}: an output changed; {@code name} is {@code state} (outputs and relays, value 1 or 0),
 *       {@code duty} or {@code frequency} (PWM), or {@code register} (I2C write, detail {@code 0xRR=0xVV}).</li>
 *   <li>{@link Kind#INPUT}: a debounced input changed; {@code name} is {@code state}.</li>
 *   <li>{@link Kind#FAULT}: a fault acted on an operation; {@code name} is the fault type, {@code detail} says
 *       what it did.</li>
 *   <li>{@link Kind#ERROR}: a read failed; {@code name} is the {@link SensorException.Kind}, lower-case.</li>
 * </ul>
 *
 * @param at        time since the recording started
 * @param timestamp the clock's instant
 * @param device    the device id
 * @param kind      what happened
 * @param name      see above
 * @param value     the numeric value, {@code NaN} if there is none
 * @param unit      the unit of {@code value}, empty if none
 * @param detail    free text, empty if none
 */
public record RecordedEvent(Duration at, Instant timestamp, String device, Kind kind, String name, double value,
                            String unit, String detail) {
    /** What a recorded event is about. */
    public enum Kind {
        /** A sensor channel was read. */
        READING,
        /** An output, relay, PWM or I2C register was written. */
        ACTUATION,
        /** A digital input changed level. */
        INPUT,
        /** A simulated fault acted. */
        FAULT,
        /** A read failed. */
        ERROR
    }

    /** Validates the components. */
    public RecordedEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(detail, "detail");
    }
}
