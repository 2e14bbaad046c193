package dev.loopguard.hardware;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A sensor with one or more channels.
 *
 * <p>{@link #read()} is the asynchronous read a controller on an event loop should use: it returns at once and the
 * stage completes when the conversion is done. A read that fails completes exceptionally with a
 * {@link SensorException}; a read that never answers (a hung bus) never completes, so callers bound it with a timeout
 * scheduled on their own executor.
 *
 * <p>{@link #readBlocking()} is the blocking read many real drivers offer. It holds the calling thread for the whole
 * conversion, which is exactly what must never happen on an event loop thread.
 */
public interface Sensor extends Device {
    /** The quantities this sensor measures, in channel order. */
    List<Quantity> quantities();

    /**
     * Starts a read.
     *
     * @return a stage completed with the reading when the conversion finishes, completed exceptionally with a
     *         {@link SensorException} if the read fails, or never completed if the device does not answer
     * @throws IllegalStateException if the sensor is closed
     */
    CompletionStage<Reading> read();

    /**
     * Reads, blocking the calling thread until the conversion finishes or the driver's own timeout expires.
     *
     * @throws SensorException       if the read fails or the device does not answer within the driver timeout
     * @throws IllegalStateException if the sensor is closed
     */
    Reading readBlocking();

    /**
     * Reads, blocking the calling thread at most {@code timeout} (on the board's clock).
     *
     * @throws SensorException          if the read fails or does not finish within {@code timeout}
     * @throws IllegalArgumentException if {@code timeout} is negative or zero
     */
    Reading readBlocking(Duration timeout);
}
