package dev.loopguard.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Scores of several configurations measured in rounds, each round one fork per configuration, and their comparison
 * with the no-agent configuration of the same round. On a small, shared machine the speed of the whole machine drifts
 * by more than the agent's cost from one minute to the next; dividing each score by the baseline measured a few
 * seconds before it removes that drift, and the median of those ratios is not moved by one unlucky fork.
 */
final class PairedSeries {

    /** The comparison of one configuration with the baseline, over the rounds that measured both. */
    record Summary(int rounds, double medianRatio, double lowerQuartile, double upperQuartile, double ratioOfMeans) {
    }

    private final String baseline;
    /** benchmark -> configuration -> one score per round (NaN where that round has none). */
    private final Map<String, Map<String, List<Double>>> scores = new LinkedHashMap<>();

    PairedSeries(String baseline) {
        this.baseline = Objects.requireNonNull(baseline, "baseline");
    }

    /** Records the score of {@code configuration} on {@code benchmark} in round {@code round} (0-based). */
    void add(String benchmark, String configuration, int round, double score) {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, was " + round);
        }
        List<Double> series = scores.computeIfAbsent(benchmark, b -> new LinkedHashMap<>())
                .computeIfAbsent(configuration, c -> new ArrayList<>());
        while (series.size() <= round) {
            series.add(Double.NaN);
        }
        series.set(round, score);
    }

    List<String> benchmarks() {
        return List.copyOf(scores.keySet());
    }

    /** Configurations measured on {@code benchmark}, in the order they were first added. */
    List<String> configurations(String benchmark) {
        return List.copyOf(scores.getOrDefault(benchmark, Map.of()).keySet());
    }

    /** The baseline's median score on {@code benchmark}, NaN without one. */
    double baselineMedian(String benchmark) {
        return median(present(scores.getOrDefault(benchmark, Map.of()).getOrDefault(baseline, List.of())));
    }

    /** The comparison of {@code configuration} with the baseline on {@code benchmark}; null without a paired round. */
    Summary summary(String benchmark, String configuration) {
        Map<String, List<Double>> byConfiguration = scores.getOrDefault(benchmark, Map.of());
        List<Double> base = byConfiguration.getOrDefault(baseline, List.of());
        List<Double> other = byConfiguration.getOrDefault(configuration, List.of());
        List<Double> ratios = new ArrayList<>();
        double baseSum = 0;
        double otherSum = 0;
        for (int round = 0; round < Math.min(base.size(), other.size()); round++) {
            double b = base.get(round);
            double o = other.get(round);
            if (!Double.isNaN(b) && !Double.isNaN(o) && b > 0) {
                ratios.add(o / b - 1);
                baseSum += b;
                otherSum += o;
            }
        }
        if (ratios.isEmpty()) {
            return null;
        }
        double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Summary(sorted.length, quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75),
                otherSum / baseSum - 1);
    }

    /** A Markdown table: per benchmark, the baseline's median and each configuration's paired comparison. */
    List<String> render(Map<String, String> labels) {
        List<String> lines = new ArrayList<>();
        lines.add("| Benchmark | Configuration | median of paired ratios | quartiles | ratio of the means | rounds |");
        lines.add("|---|---|---:|---:|---:|---:|");
        for (String benchmark : benchmarks()) {
            lines.add(String.format(Locale.ROOT, "| %s | %s | baseline: %,.0f ops/s (median) | | | |", benchmark,
                    labels.getOrDefault(baseline, baseline), baselineMedian(benchmark)));
            for (String configuration : configurations(benchmark)) {
                if (configuration.equals(baseline)) {
                    continue;
                }
                Summary s = summary(benchmark, configuration);
                String label = labels.getOrDefault(configuration, configuration);
                lines.add(s == null
                        ? "| " + benchmark + " | " + label + " | no round measured it with the baseline | | | 0 |"
                        : String.format(Locale.ROOT, "| %s | %s | %+.1f%% | %+.1f%% .. %+.1f%% | %+.1f%% | %d |",
                                benchmark, label, 100 * s.medianRatio(), 100 * s.lowerQuartile(),
                                100 * s.upperQuartile(), 100 * s.ratioOfMeans(), s.rounds()));
            }
        }
        return lines;
    }

    private static double[] present(List<Double> values) {
        return values.stream().filter(v -> !Double.isNaN(v)).mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double median(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : quantile(sorted, 0.5);
    }

    /** Linear interpolation between the closest ranks of a sorted, non-empty array. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
