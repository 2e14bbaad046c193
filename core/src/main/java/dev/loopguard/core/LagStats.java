package dev.loopguard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How late an {@link EventLoop}'s tasks started against the time they were due, since the loop started.
 *
 * <p>A task submitted with {@code execute} is due when it is submitted; a scheduled task is due at its deadline.
 * Lag is the loop's own health signal: a loop whose tasks start late is overloaded or has been blocked.
 *
 * @param count how many tasks have started
 * @param max the largest lag seen
 * @param mean the average lag
 * @param p99 the 99th percentile, accurate to within 1/16 (6.25 %) of its value
 */
public record LagStats(long count, Duration max, Duration mean, Duration p99) {

    public LagStats {
        if (count < 0) {
            throw new IllegalArgumentException("LagStats count must be >= 0, was " + count);
        }
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(p99, "p99");
    }

    /** Lag statistics of a loop that has not started any task. */
    public static LagStats empty() {
        return new LagStats(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
