package dev.loopguard.hardware;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A GPIO input with debounce. A raw level change becomes a state change only once the level has stayed the same
 * for {@link #debounce()}; contact bounce shorter than that is filtered out.
 */
public interface DigitalInput extends Device {
    /** The GPIO pin, BCM numbering. */
    int pin();

    /** The debounce time; {@link Duration#ZERO} means every raw change is reported. */
    Duration debounce();

    /** The current debounced level, {@code true} for high. */
    boolean state();

    /**
     * Registers a listener for debounced level changes. Events are delivered on {@code executor}, never on the
     * thread that simulates or polls the pin, so a slow listener cannot delay edge detection.
     *
     * @return a handle whose {@code close()} removes the listener
     * @throws IllegalStateException if the input is closed
     */
    AutoCloseable onEdge(Edge edge, Executor executor, Consumer<EdgeEvent> listener);

    /** Convenience for {@link #onEdge(Edge, Executor, Consumer)} with {@link Edge#BOTH}. */
    default AutoCloseable onEdge(Executor executor, Consumer<EdgeEvent> listener) {
        return onEdge(Edge.BOTH, executor, listener);
    }
}
