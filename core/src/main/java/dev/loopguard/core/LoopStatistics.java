package dev.loopguard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What a controller's loop has done since it was registered.
 *
 * @param count iterations that completed, successfully or not
 * @param skipped periods skipped because the previous iteration was still running, or because the loop thread was
 *     late by more than a period (a missed period is skipped, never run twice)
 * @param last duration of the most recent completed iteration
 * @param mean mean duration of the completed iterations
 * @param max longest iteration
 */
public record LoopStatistics(long count, long skipped, Duration last, Duration mean, Duration max) {

    public LoopStatistics {
        if (count < 0) {
            throw new IllegalArgumentException("LoopStatistics count must be >= 0, was " + count);
        }
        if (skipped < 0) {
            throw new IllegalArgumentException("LoopStatistics skipped must be >= 0, was " + skipped);
        }
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(max, "max");
    }
}
