package dev.loopguard.hardware;

/**
 * A device opened from a {@link BoardProvider}. Closing releases its pins or bus address so it can be opened
 * again; any operation on a closed device throws {@link IllegalStateException} naming the device.
 */
public interface Device extends AutoCloseable {
    /** The id the device was opened by. */
    String id();

    /** Whether {@link #close()} has been called. */
    boolean isClosed();

    /** Releases the device. Idempotent. */
    @Override
    void close();
}
