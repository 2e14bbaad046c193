package dev.loopguard.benchmarks;

/**
 * Thrown from a benchmark's setup when a cell of the parameter grid is not measured on purpose (JMH has no way to
 * skip one): JMH prints this message for that cell, reports no score for it and goes on with the others (unless
 * {@code -foe true} is given). {@link GatherBenchmarkRun} leaves such cells out of its runs and lists them with the
 * same reason, so the message is seen only when the benchmarks are started from the JMH command line.
 */
final class BenchmarkSkippedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BenchmarkSkippedException(String benchmark, String reason) {
        super("SKIPPED " + benchmark + ": " + reason, null, false, false);
    }
}
