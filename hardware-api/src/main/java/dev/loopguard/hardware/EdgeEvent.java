package dev.loopguard.hardware;

import java.time.Instant;
import java.util.Objects;

/**
 * A debounced level change of a {@link DigitalInput}.
 *
 * @param device    the input's id
 * @param pin       the GPIO pin (BCM numbering)
 * @param state     the new level, {@code true} for high
 * @param timestamp when the level became stable (the raw edge plus the debounce time), on the board's clock
 */
public record EdgeEvent(String device, int pin, boolean state, Instant timestamp) {
    /** Validates the components. */
    public EdgeEvent {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** The kind of transition this event is. */
    public Edge edge() {
        return state ? Edge.RISING : Edge.FALLING;
    }
}
