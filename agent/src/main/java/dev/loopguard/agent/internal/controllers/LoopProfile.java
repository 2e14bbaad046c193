package dev.loopguard.agent.internal.controllers;

import java.time.Duration;

/**
 * One controller's loop profile: count, mean, percentiles, max, failures, slow loops and the last error.
 * Percentiles come from a log-linear histogram of microseconds (16 sub-buckets per power of two, so a reported
 * percentile is within 1/16 of the true value) that costs a fixed 5 KB per controller however many loops run.
 *
 * <p>Core's {@code LagHistogram} uses the same 16 sub-buckets per power of two, but the agent cannot share it: the
 * agent depends on nothing of core (it must run in applications that do not use core). The two also differ on
 * purpose: this one counts microseconds under a lock, because several runner threads may record one controller,
 * and reports a bucket's middle as a profile; core's counts nanoseconds written by the loop thread alone without a
 * lock, and reports a bucket's upper bound so that a lag percentile never understates.
 */
final class LoopProfile {

    private static final int SUB_BUCKETS = 16;
    private static final int BUCKETS = (64 - 4 + 1) * SUB_BUCKETS;

    private final long slowNanos;
    private final long[] histogram = new long[BUCKETS];
    private long count;
    private long totalNanos;
    private long maxNanos;
    private long failures;
    private long slowLoops;
    private String lastError;

    LoopProfile(Duration slowThreshold) {
        this.slowNanos = slowThreshold.toNanos();
    }

    synchronized void record(long nanos, Throwable failure) {
        long duration = Math.max(0, nanos);
        count++;
        totalNanos += duration;
        maxNanos = Math.max(maxNanos, duration);
        histogram[bucket(duration / 1000)]++;
        if (duration > slowNanos) {
            slowLoops++;
        }
        if (failure != null) {
            failures++;
            lastError = describe(failure);
        }
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(count, count == 0 ? 0 : totalNanos / count, percentile(0.50), percentile(0.99), maxNanos,
                failures, slowLoops, lastError);
    }

    /** A consistent copy, in nanoseconds. */
    static final class Snapshot {
        final long count;
        final long meanNanos;
        final long p50Nanos;
        final long p99Nanos;
        final long maxNanos;
        final long failures;
        final long slowLoops;
        final String lastError;

        Snapshot(long count, long meanNanos, long p50Nanos, long p99Nanos, long maxNanos, long failures, long slowLoops,
                 String lastError) {
            this.count = count;
            this.meanNanos = meanNanos;
            this.p50Nanos = p50Nanos;
            this.p99Nanos = p99Nanos;
            this.maxNanos = maxNanos;
            this.failures = failures;
            this.slowLoops = slowLoops;
            this.lastError = lastError;
        }
    }

    private long percentile(double fraction) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return Math.min(maxNanos, middleMicros(i) * 1000);
            }
        }
        return maxNanos;
    }

    // The same bucket layout as core's LagHistogram (behind EventLoop.lag()), which the agent cannot use because it
    // links against nothing but the JDK and its relocated Byte Buddy. The differences are deliberate: this one counts
    // microseconds and reports a bucket's middle; core's counts nanoseconds and reports a bucket's upper bound.
    static int bucket(long micros) {
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) ((micros >>> (exponent - 4)) & (SUB_BUCKETS - 1));
        return (exponent - 3) * SUB_BUCKETS + sub;
    }

    static long middleMicros(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int exponent = bucket / SUB_BUCKETS + 3;
        long sub = bucket % SUB_BUCKETS;
        long low = (SUB_BUCKETS + sub) << (exponent - 4);
        long width = 1L << (exponent - 4);
        return low + width / 2;
    }

    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.getClass().getName());
        if (failure.getMessage() != null) {
            text.append(": ").append(failure.getMessage());
        }
        StackTraceElement[] stack = failure.getStackTrace();
        if (stack.length > 0) {
            text.append(" at ").append(dev.loopguard.agent.internal.StackFrames.format(stack[0]));
        }
        return text.toString();
    }
}
