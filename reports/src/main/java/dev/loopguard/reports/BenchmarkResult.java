package dev.loopguard.reports;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One JMH result (one benchmark method at one combination of parameters), as JMH's {@code -rf json} writes it.
 * Scores JMH could not compute are {@link Double#NaN} (JMH writes {@code "NaN"}), and an interval it could not
 * bound is infinite (JMH writes {@code "Infinity"}).
 *
 * @param benchmark the fully qualified method, {@code com.acme.FooBenchmark.bar}
 * @param mode {@code thrpt}, {@code avgt}, {@code sample}, {@code ss} or {@code all}
 * @param threads threads per fork
 * @param forks forks
 * @param jdkVersion the JDK the forks ran on, or null
 * @param params the {@code @Param} values, in JMH's order
 * @param score the primary metric's score
 * @param scoreError half the width of JMH's 99.9% confidence interval
 * @param scoreLow the interval's lower bound
 * @param scoreHigh its upper bound
 * @param unit the score's unit, such as {@code ms/op}
 * @param secondaryMetrics secondary metrics by name, such as {@code gc.alloc.rate.norm}
 */
public record BenchmarkResult(String benchmark, String mode, int threads, int forks, String jdkVersion,
                              Map<String, String> params, double score, double scoreError, double scoreLow,
                              double scoreHigh, String unit, Map<String, Metric> secondaryMetrics) {

    public BenchmarkResult {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(unit, "unit");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        secondaryMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(secondaryMetrics));
    }

    /** The benchmark class, {@code com.acme.FooBenchmark}. */
    public String benchmarkClass() {
        int dot = benchmark.lastIndexOf('.');
        return dot < 0 ? "" : benchmark.substring(0, dot);
    }

    /** The benchmark method, {@code bar}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * A secondary metric of a result.
     *
     * @param score its score, possibly NaN
     * @param scoreError its error, possibly NaN
     * @param unit its unit, such as {@code B/op}
     */
    public record Metric(double score, double scoreError, String unit) {
    }
}
