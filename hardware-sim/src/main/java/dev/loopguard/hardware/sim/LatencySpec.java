package dev.loopguard.hardware.sim;

import java.time.Duration;

/**
 * How long an operation takes: {@link Fixed}, {@link Uniform}, {@link Normal} or {@link LongTail}. Each sample
 * comes from the device's seeded random source.
 */
public sealed interface LatencySpec {

    /** Always {@code value}. */
    record Fixed(Duration value) implements LatencySpec {
        /** Validates the value. */
        public Fixed {
            Checks.notNegative("fixed latency value", value);
        }
    }

    /** Uniformly distributed in {@code min..max}. */
    record Uniform(Duration min, Duration max) implements LatencySpec {
        /** Validates the bounds. */
        public Uniform {
            Checks.notNegative("uniform latency min", min);
            Checks.notNegative("uniform latency max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("uniform latency max must be >= min, was min="
                        + DurationText.format(min) + ", max=" + DurationText.format(max));
            }
        }
    }

    /** Normally distributed, clipped at zero. */
    record Normal(Duration mean, Duration stddev) implements LatencySpec {
        /** Validates the parameters. */
        public Normal {
            Checks.notNegative("normal latency mean", mean);
            Checks.notNegative("normal latency stddev", stddev);
        }
    }

    /**
     * Log-normal: most operations take about {@code median}, one in a hundred takes {@code p99} or longer. Models
     * bus contention and driver retries.
     */
    record LongTail(Duration median, Duration p99) implements LatencySpec {
        /** Validates the parameters. */
        public LongTail {
            Checks.positive("long-tail latency median", median);
            Checks.positive("long-tail latency p99", p99);
            if (p99.compareTo(median) < 0) {
                throw new IllegalArgumentException("long-tail latency p99 must be >= median, was median="
                        + DurationText.format(median) + ", p99=" + DurationText.format(p99));
            }
        }
    }
}
