package dev.loopguard.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a controller's period stretches while its loop keeps failing, so that a controller whose sensor is gone does
 * not hammer it (or the log) at full rate.
 *
 * <p>With {@link #exponential(double, Duration) exponential(2, 60 s)} and a 10-second period, iterations after
 * consecutive failures are 20, 40, 60, 60 ... seconds apart; the first successful iteration restores the period:
 * the next iteration is due one normal period after it. {@link #none()} keeps the period whatever happens.
 */
public final class LoopBackoff {

    private static final LoopBackoff NONE = new LoopBackoff(1.0, null);

    private final double factor;
    private final Duration max;

    private LoopBackoff(double factor, Duration max) {
        this.factor = factor;
        this.max = max;
    }

    /** The period never changes. */
    public static LoopBackoff none() {
        return NONE;
    }

    /**
     * After {@code n} consecutive failures the next iteration is due {@code period × factor^n} after the failed one,
     * but never more than {@code max} after it.
     *
     * @param factor how much each consecutive failure stretches the period; must be finite and {@code >= 1}
     * @param max the longest period; must be positive (and, at registration, at least the controller's period)
     */
    public static LoopBackoff exponential(double factor, Duration max) {
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("LoopBackoff factor must be a finite number >= 1, was " + factor);
        }
        Objects.requireNonNull(max, "LoopBackoff max");
        if (max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("LoopBackoff max must be > 0, was " + max);
        }
        Durations.requireWithinClock(max, "LoopBackoff max");
        return new LoopBackoff(factor, max);
    }

    /** Whether this policy ever changes the period. */
    public boolean isNone() {
        return max == null;
    }

    /** The longest period, or {@code null} for {@link #none()}. */
    Duration max() {
        return max;
    }

    /** The period to wait after {@code consecutiveFailures} failures in a row. */
    public Duration periodAfter(Duration period, long consecutiveFailures) {
        Objects.requireNonNull(period, "period");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures must be >= 0, was " + consecutiveFailures);
        }
        if (max == null || consecutiveFailures == 0) {
            return period;
        }
        // In double, so that neither a long period nor a large power overflows a long.
        double nanos = (period.getSeconds() * 1e9 + period.getNano()) * Math.pow(factor, consecutiveFailures);
        if (nanos >= max.toNanos()) {
            return max.compareTo(period) < 0 ? period : max;
        }
        return Duration.ofNanos((long) nanos);
    }

    @Override
    public String toString() {
        return max == null ? "LoopBackoff.none()" : "LoopBackoff.exponential(" + factor + ", " + max + ")";
    }
}
