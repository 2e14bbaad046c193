package dev.loopguard.hardware;

import java.util.Objects;

/**
 * A sensor read failed the way real hardware fails: an I/O error on the bus, a checksum mismatch, a device that is
 * not connected, or no answer within a timeout. The message names the device and what to check.
 */
public final class SensorException extends RuntimeException {
    /** Why a read failed. */
    public enum Kind {
        /** The bus transfer failed (NACK, short read, serial framing error). */
        IO_ERROR,
        /** The data arrived but its checksum or CRC did not match. */
        CRC_ERROR,
        /** The device did not respond at all: unplugged, unpowered or a broken wire. */
        DISCONNECTED,
        /** The device did not answer within the timeout. */
        TIMEOUT
    }

    private final String device;
    private final Kind kind;

    /** Creates an exception for {@code device} failing with {@code kind}. */
    public SensorException(String device, Kind kind, String message) {
        super(message);
        this.device = Objects.requireNonNull(device, "device");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** The id of the sensor that failed. */
    public String device() {
        return device;
    }

    /** Why the read failed. */
    public Kind kind() {
        return kind;
    }
}
