package dev.loopguard.reports;

import java.util.Objects;

/**
 * Loop statistics of one controller, from the reports' {@code profile.controllers} sections, merged over the inputs
 * that profiled it: loops, failures and slow loops are summed, the mean is weighted by loops, and the maximum, p50
 * and p99 are the highest any input reported (percentiles cannot be merged exactly without the samples, so the p50
 * and p99 shown for a controller profiled in several inputs are upper bounds).
 *
 * @param name the name the controller was registered under
 * @param loops loops run
 * @param meanMillis mean loop duration
 * @param p50Millis median loop duration
 * @param p99Millis 99th percentile loop duration
 * @param maxMillis longest loop
 * @param failures loops that failed
 * @param slowLoops loops longer than the stall threshold
 * @param lastError type, message and top frame of the last failure, or null
 * @param inputs how many inputs profiled it
 */
public record ControllerProfile(String name, long loops, double meanMillis, double p50Millis, double p99Millis,
                                double maxMillis, long failures, long slowLoops, String lastError, int inputs) {

    public ControllerProfile {
        Objects.requireNonNull(name, "name");
    }

    ControllerProfile merge(ControllerProfile other) {
        long total = loops + other.loops;
        double mean = total == 0 ? Math.max(meanMillis, other.meanMillis)
                : (meanMillis * loops + other.meanMillis * other.loops) / total;
        return new ControllerProfile(name, total, mean, Math.max(p50Millis, other.p50Millis),
                Math.max(p99Millis, other.p99Millis), Math.max(maxMillis, other.maxMillis), failures + other.failures,
                slowLoops + other.slowLoops, other.lastError != null ? other.lastError : lastError,
                inputs + other.inputs);
    }
}
