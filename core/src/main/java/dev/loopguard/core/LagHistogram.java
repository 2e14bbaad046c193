package dev.loopguard.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records task start lags for {@link EventLoop#lag()}.
 *
 * <p>Written only by the loop thread and read by any thread, so the writer needs no atomic read-modify-write: it uses
 * plain increments published with {@code lazySet}. Values go into log-linear buckets, 16 per power of two, which
 * bounds the error of a percentile to 1/16 of its value in a fixed 8 KiB.
 *
 * <p>The agent keeps its own histogram of the same shape for controller loop profiles ({@code LoopProfile}): the agent
 * depends on nothing of core, so it cannot use this class. They differ on purpose: this one has one writer and no
 * lock and reports a bucket's upper bound, so that a lag percentile never understates; the agent's is written by
 * several threads under a lock, counts microseconds and reports a bucket's middle.
 */
final class LagHistogram {

    private static final int SUB_BUCKET_BITS = 4;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int BUCKETS = SUB_BUCKETS + (63 - SUB_BUCKET_BITS) * SUB_BUCKETS;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private volatile long count;
    private volatile long sum;
    private volatile long max;

    /** Records one lag, in nanoseconds; negative values (a task started early) count as zero. */
    void record(long lagNanos) {
        long value = Math.max(0, lagNanos);
        int index = bucketOf(value);
        buckets.lazySet(index, buckets.get(index) + 1);
        sum += value;
        if (value > max) {
            max = value;
        }
        count = count + 1;
    }

    LagStats snapshot() {
        long n = count;
        if (n == 0) {
            return LagStats.empty();
        }
        long p99 = Math.min(valueAtRank((long) Math.ceil(n * 0.99)), max);
        return new LagStats(n, Duration.ofNanos(max), Duration.ofNanos(sum / n), Duration.ofNanos(p99));
    }

    private long valueAtRank(long rank) {
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += buckets.get(i);
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return max;
    }

    static int bucketOf(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int shift = exponent - SUB_BUCKET_BITS;
        int mantissa = (int) (value >>> shift) - SUB_BUCKETS;
        return SUB_BUCKETS + shift * SUB_BUCKETS + mantissa;
    }

    static long upperBound(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = (index - SUB_BUCKETS) / SUB_BUCKETS;
        int mantissa = (index - SUB_BUCKETS) % SUB_BUCKETS;
        if (shift + SUB_BUCKET_BITS + 1 >= 63) {
            return Long.MAX_VALUE;
        }
        long lower = (long) (SUB_BUCKETS + mantissa) << shift;
        return lower + (1L << shift) - 1;
    }
}
