package dev.loopguard.hardware.sim;

import java.util.SplittableRandom;

/** Draws operation latencies from a {@link LatencySpec}. */
final class LatencySampler {
    /** z of the 99th percentile of the standard normal distribution. */
    private static final double Z99 = 2.3263478740408408;

    private final LatencySpec spec;

    LatencySampler(LatencySpec spec) {
        this.spec = spec;
    }

    long sampleNanos(SplittableRandom r) {
        if (spec instanceof LatencySpec.Fixed f) {
            return f.value().toNanos();
        }
        if (spec instanceof LatencySpec.Uniform u) {
            long min = u.min().toNanos();
            long span = u.max().toNanos() - min;
            return span == 0 ? min : min + r.nextLong(span + 1);
        }
        if (spec instanceof LatencySpec.Normal n) {
            double v = n.mean().toNanos() + n.stddev().toNanos() * Randoms.gaussian(r);
            return Math.max(0, Math.round(v));
        }
        LatencySpec.LongTail t = (LatencySpec.LongTail) spec;
        double median = t.median().toNanos();
        double sigma = Math.log(t.p99().toNanos() / median) / Z99;
        return Math.round(median * Math.exp(sigma * Randoms.gaussian(r)));
    }
}
