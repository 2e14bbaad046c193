package dev.loopguard.benchmarks;

import java.util.Map;

/**
 * The time per operation each gather benchmark would take if waiting cost nothing: what its score is divided by to
 * give its ratio to the ideal (1.00 is ideal, 1.20 is 20% over). The same rules draw the ideal lines in the reports.
 *
 * <pre>
 * sequential                             N x L
 * gathered, allOf, virtualThreads        L
 * platformPool                           ceil(N / poolSize) x L
 * gatherBounded, semaphore               ceil(N / bound) x L
 * </pre>
 */
final class Ideal {

    private Ideal() {
    }

    /** The ideal in milliseconds of {@code method} (its simple name) with the benchmark's {@code params}. */
    static double millis(String method, Map<String, String> params) {
        long n = number(params, "n", method);
        long latency = number(params, "latencyMillis", method);
        switch (method) {
            case "sequential":
                return (double) n * latency;
            case "gathered":
            case "allOf":
            case "virtualThreads":
                return latency;
            case "platformPool":
                return waves(n, number(params, "poolSize", method)) * latency;
            case "gatherBounded":
            case "semaphore":
                return waves(n, number(params, "bound", method)) * latency;
            default:
                throw new IllegalArgumentException("no ideal is defined for benchmark method '" + method
                        + "'; known: sequential, gathered, allOf, virtualThreads, platformPool, gatherBounded, "
                        + "semaphore");
        }
    }

    private static double waves(long n, long width) {
        return (n + width - 1) / width;
    }

    private static long number(Map<String, String> params, String name, String method) {
        String text = params.get(name);
        if (text == null) {
            throw new IllegalArgumentException("benchmark method '" + method + "' needs parameter '" + name
                    + "' for its ideal, but has only " + params.keySet());
        }
        long value = Long.parseLong(text);
        if (value < 1) {
            throw new IllegalArgumentException("parameter '" + name + "' of '" + method + "' must be >= 1, was "
                    + value);
        }
        return value;
    }
}
