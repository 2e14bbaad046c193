package dev.loopguard.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The comparison as one Markdown document: a throughput table (each benchmark's rows side by side, with the change
 * against the no-agent row of the same benchmark) and a memory table. Rows that did not run say why, in the table,
 * so a missing agent jar or a failed fork is never mistaken for a result.
 */
final class ComparisonTable {

    /** One cell group: a measured score, or the reason there is none. */
    record Row(String benchmark, Configuration configuration, double score, double error, double bytesPerOp,
               String missing) {
        Row {
            Objects.requireNonNull(benchmark, "benchmark");
            Objects.requireNonNull(configuration, "configuration");
        }

        boolean measured() {
            return missing == null;
        }
    }

    /** Heap per pending future under one configuration (median and range of several JVMs), or why there is none. */
    record Footprint(Configuration configuration, double bytesPerFuture, double lowest, double highest,
                     String missing) {
    }

    private final Map<String, List<Row>> rowsByBenchmark = new LinkedHashMap<>();
    private final List<Footprint> footprints = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void add(Row row) {
        rowsByBenchmark.computeIfAbsent(row.benchmark(), name -> new ArrayList<>()).add(row);
    }

    void measured(String benchmark, Configuration configuration, double score, double error, double bytesPerOp) {
        if (!(score > 0)) {
            throw new IllegalArgumentException("score of " + benchmark + " under " + configuration.label()
                    + " must be > 0, was " + score);
        }
        add(new Row(benchmark, configuration, score, error, bytesPerOp, null));
    }

    void missing(String benchmark, Configuration configuration, String reason) {
        add(new Row(benchmark, configuration, Double.NaN, Double.NaN, Double.NaN,
                Objects.requireNonNull(reason, "reason")));
    }

    void footprint(Configuration configuration, double median, double lowest, double highest) {
        footprints.add(new Footprint(configuration, median, lowest, highest, null));
    }

    void footprintMissing(Configuration configuration, String reason) {
        footprints.add(new Footprint(configuration, Double.NaN, Double.NaN, Double.NaN,
                Objects.requireNonNull(reason, "reason")));
    }

    /** A remark printed under the tables, e.g. an agent that wrote no report. */
    void note(String remark) {
        notes.add(Objects.requireNonNull(remark, "remark"));
    }

    List<Row> rows() {
        List<Row> all = new ArrayList<>();
        rowsByBenchmark.values().forEach(all::addAll);
        return all;
    }

    /** The document: {@code header} lines first (machine, JDK, settings), then the tables. */
    String render(List<String> header) {
        StringBuilder out = new StringBuilder();
        header.forEach(line -> out.append(line).append('\n'));
        out.append('\n');
        out.append("| Benchmark | Configuration | Score (ops/s) | ± Error | vs no agent | ns/op | alloc B/op |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Row>> entry : rowsByBenchmark.entrySet()) {
            Row baseline = entry.getValue().stream()
                    .filter(row -> row.configuration().id().equals(Configuration.NONE.id()) && row.measured())
                    .findFirst().orElse(null);
            for (Row row : entry.getValue()) {
                out.append("| ").append(entry.getKey()).append(" | ").append(row.configuration().label()).append(" | ");
                if (!row.measured()) {
                    out.append(row.missing()).append(" | | | | |\n");
                    continue;
                }
                out.append(format("%,.0f", row.score())).append(" | ")
                        .append(Double.isNaN(row.error()) ? "n/a" : format("%,.0f", row.error())).append(" | ")
                        .append(change(row, baseline)).append(" | ")
                        .append(format("%.1f", 1e9 / row.score())).append(" | ")
                        .append(Double.isNaN(row.bytesPerOp()) ? "n/a" : format("%.1f", row.bytesPerOp()))
                        .append(" |\n");
            }
        }
        if (!footprints.isEmpty()) {
            Footprint baseline = footprints.stream()
                    .filter(f -> f.configuration().id().equals(Configuration.NONE.id()) && f.missing() == null)
                    .findFirst().orElse(null);
            out.append('\n');
            out.append("| Configuration | Heap per pending future (bytes, median) | Range over JVMs | "
                    + "Added by the agent per future (bytes) |\n");
            out.append("|---|---:|---:|---:|\n");
            for (Footprint footprint : footprints) {
                out.append("| ").append(footprint.configuration().label()).append(" | ");
                if (footprint.missing() != null) {
                    out.append(footprint.missing()).append(" | | |\n");
                } else {
                    out.append(format("%.1f", footprint.bytesPerFuture())).append(" | ")
                            .append(format("%.1f", footprint.lowest())).append("–")
                            .append(format("%.1f", footprint.highest())).append(" | ")
                            .append(baseline == null ? "n/a (no baseline)" : footprint == baseline ? "baseline"
                                    : format("%+.1f", footprint.bytesPerFuture() - baseline.bytesPerFuture()))
                            .append(" |\n");
                }
            }
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(remark -> out.append("- ").append(remark).append('\n'));
        }
        return out.toString();
    }

    /** The throughput change against the no-agent row; negative means the configuration is slower. */
    static String change(Row row, Row baseline) {
        if (baseline == null) {
            return "n/a (no baseline)";
        }
        if (row == baseline) {
            return "baseline";
        }
        return format("%+.1f%%", (row.score() / baseline.score() - 1) * 100);
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
