package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LagHistogramTest {

    @Test
    @DisplayName("puts every value in a bucket whose upper bound is within 1/16 above it")
    void bucketBounds() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long value = random.nextLong(1L << random.nextInt(1, 50));
            long upper = LagHistogram.upperBound(LagHistogram.bucketOf(value));
            assertThat(upper).isGreaterThanOrEqualTo(value);
            assertThat((double) (upper - value)).isLessThanOrEqualTo(Math.max(0, value / 16.0));
        }
    }

    @Test
    @DisplayName("computes count, mean, max and a p99 within 6.25 %")
    void percentiles() {
        LagHistogram histogram = new LagHistogram();
        for (int i = 1; i <= 1000; i++) {
            histogram.record(i * 1_000_000L); // 1 ms .. 1000 ms
        }
        LagStats stats = histogram.snapshot();

        assertThat(stats.count()).isEqualTo(1000);
        assertThat(stats.max()).isEqualTo(Duration.ofMillis(1000));
        assertThat(stats.mean()).isEqualTo(Duration.ofNanos(500_500_000L));
        assertThat(stats.p99().toNanos()).isBetween(990_000_000L, (long) (990_000_000L * 1.0625));
    }

    @Test
    @DisplayName("treats a negative lag as zero")
    void negativeIsZero() {
        LagHistogram histogram = new LagHistogram();
        histogram.record(-5);
        assertThat(histogram.snapshot().max()).isZero();
    }
}
