package dev.loopguard.hardware;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of reading a sensor: per channel the quantity, unit, value and timestamp, shaped like a Mycodo
 * measurement.
 *
 * <p>A reading may hold fewer channels than the sensor has: a partially failed read (for example a BME280 whose
 * humidity channel did not answer) drops the missing channel instead of inventing a value. Use {@link #find} when a
 * channel may be missing and {@link #value} when its absence is an error.
 *
 * @param device       the id of the sensor that produced the reading
 * @param timestamp    when the conversion finished, on the board's clock
 * @param measurements the channels, in channel order; copied, never {@code null}
 */
public record Reading(String device, Instant timestamp, List<Measurement> measurements) {
    /** Validates and copies the components. */
    public Reading {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(timestamp, "timestamp");
        measurements = List.copyOf(Objects.requireNonNull(measurements, "measurements"));
    }

    /** The measurement of {@code quantity}, or empty if this reading does not carry it. */
    public Optional<Measurement> find(Quantity quantity) {
        Objects.requireNonNull(quantity, "quantity");
        return measurements.stream().filter(m -> m.quantity() == quantity).findFirst();
    }

    /**
     * The value of {@code quantity}.
     *
     * @throws NoSuchElementException naming the device and the channels present if the reading does not carry it
     */
    public double value(Quantity quantity) {
        return find(quantity).map(Measurement::value).orElseThrow(() -> new NoSuchElementException(
                "reading of '" + device + "' has no " + quantity.key() + " channel; channels present: "
                        + measurements.stream().map(m -> m.quantity().key()).toList()
                        + " (a partial read drops missing channels; use find(...) to handle that)"));
    }
}
