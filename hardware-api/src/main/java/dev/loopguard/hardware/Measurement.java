package dev.loopguard.hardware;

import java.time.Instant;
import java.util.Objects;

/**
 * One channel of a {@link Reading}: what was measured, in which unit, the value and when.
 *
 * <p>A value may be {@code NaN}: real drivers return it for a failed conversion, and a simulated
 * {@code nan} fault produces it. Controllers are expected to check.
 *
 * @param channel   the channel index on the device, starting at 0
 * @param quantity  what was measured
 * @param unit      the unit of {@code value}
 * @param value     the measured value
 * @param timestamp when the measurement was taken (on the board's clock)
 */
public record Measurement(int channel, Quantity quantity, String unit, double value, Instant timestamp) {
    /** Validates the components. */
    public Measurement {
        if (channel < 0) {
            throw new IllegalArgumentException("measurement channel must be >= 0, was " + channel);
        }
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
