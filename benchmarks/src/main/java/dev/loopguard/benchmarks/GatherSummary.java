package dev.loopguard.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns the gather benchmarks' results into what the targets are about: each cell's ratio to its {@link Ideal},
 * the cost per task of {@code gather} and of {@code allOf} ((score - L) / N), allocation per operation, and the
 * agent's cost on {@code gathered}. Rendering only; the JMH JSON beside it holds every figure.
 */
final class GatherSummary {

    /** Gathered within 1.2 x L at N = 1000 and within 2 x L at N = 10000. */
    static final Map<Integer, Double> GATHERED_TARGETS = Map.of(1000, 1.2, 10000, 2.0);
    /** Bounded gathers within 20% of their ideal. */
    static final double BOUNDED_TARGET = 1.2;

    /** One measured cell: method, parameters and score (ms/op), and allocation per operation (NaN if unknown). */
    record Cell(String method, Map<String, String> params, double score, double error, double allocBytes,
                boolean withAgent) {

        /** Keeps the parameters in one order (n, latencyMillis, then the rest by name), so keys compare and read alike. */
        Cell {
            Map<String, String> ordered = new LinkedHashMap<>();
            ordered.put("n", params.get("n"));
            ordered.put("latencyMillis", params.get("latencyMillis"));
            for (String key : new java.util.TreeSet<>(params.keySet())) {
                ordered.putIfAbsent(key, params.get(key));
            }
            params = java.util.Collections.unmodifiableMap(ordered);
        }

        int n() {
            return Integer.parseInt(params.get("n"));
        }

        int latencyMillis() {
            return Integer.parseInt(params.get("latencyMillis"));
        }

        double ideal() {
            return Ideal.millis(method, params);
        }

        double ratio() {
            return score / ideal();
        }

        /** (score - L) / N in microseconds: what each task adds beyond the one latency all of them share. */
        double perTaskMicros() {
            return (score - latencyMillis()) * 1000.0 / n();
        }

        String key() {
            return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
        }
    }

    private final List<Cell> cells;
    private final List<Cell> agentCells;

    GatherSummary(List<Cell> cells, List<Cell> agentCells) {
        this.cells = List.copyOf(cells);
        this.agentCells = List.copyOf(agentCells);
    }

    static GatherSummary of(Collection<RunResult> benchmarkResults, Collection<RunResult> agentResults) {
        List<Cell> cells = benchmarkResults.stream().filter(result -> !agentResults.contains(result))
                .map(GatherSummary::cell).collect(Collectors.toList());
        List<Cell> agentCells = agentResults.stream().map(GatherSummary::cell).collect(Collectors.toList());
        return new GatherSummary(cells, agentCells);
    }

    static Cell cell(RunResult result) {
        BenchmarkParams params = result.getParams();
        String benchmark = params.getBenchmark();
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : params.getParamsKeys()) {
            values.put(key, params.getParam(key));
        }
        Result<?> primary = result.getPrimaryResult();
        Result<?> allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
        boolean withAgent = params.getJvmArgs().stream().anyMatch(arg -> arg.startsWith("-javaagent:"));
        return new Cell(benchmark.substring(benchmark.lastIndexOf('.') + 1), values, primary.getScore(),
                primary.getScoreError(), allocation == null ? Double.NaN : allocation.getScore(), withAgent);
    }

    List<String> render(Properties environment, List<String> skipped, List<String> notes, List<String> failures) {
        List<String> lines = new ArrayList<>();
        lines.add("# Sequential against gathered reads: results");
        lines.add("");
        for (String key : List.of("profile", "jdk", "cpus", "gc", "commonPoolParallelism", "loadAverage.start",
                "loadAverage.end", "started")) {
            lines.add("- " + key + ": " + environment.getProperty(key, "?"));
        }
        lines.add("- Scores are ms per operation (all N sensors read); x ideal is score / ideal, 1.00 is ideal.");
        lines.add("");
        lines.add("## Every cell against its ideal");
        lines.add("");
        lines.add("| benchmark | params | ms/op | ± | ideal ms | x ideal | alloc B/op |");
        lines.add("|---|---|---:|---:|---:|---:|---:|");
        cells.stream().sorted(Comparator.comparing(Cell::method).thenComparing(Cell::latencyMillis)
                        .thenComparing(Cell::n).thenComparing(Cell::key))
                .forEach(cell -> lines.add("| " + cell.method() + " | " + cell.key() + " | " + fixed(cell.score())
                        + " | " + fixed(cell.error()) + " | " + fixed(cell.ideal()) + " | "
                        + String.format(Locale.ROOT, "%.2f", cell.ratio()) + " | " + bytes(cell.allocBytes())
                        + " |"));
        lines.add("");
        lines.add("## Targets");
        lines.add("");
        lines.addAll(targets());
        lines.add("");
        lines.add("## gather against allOf, per task: (score - L) / N");
        lines.add("");
        lines.add("| n | L ms | gathered µs/task | allOf µs/task | gathered / allOf | gathered B/op | allOf B/op |");
        lines.add("|---:|---:|---:|---:|---:|---:|---:|");
        for (Cell gathered : find("gathered")) {
            find("allOf", gathered).ifPresent(allOf -> lines.add("| " + gathered.n() + " | "
                    + gathered.latencyMillis() + " | " + fixed(gathered.perTaskMicros()) + " | "
                    + fixed(allOf.perTaskMicros()) + " | " + String.format(Locale.ROOT, "%.2f",
                    gathered.perTaskMicros() / allOf.perTaskMicros()) + " | " + bytes(gathered.allocBytes())
                    + " | " + bytes(allOf.allocBytes()) + " |"));
        }
        lines.add("");
        lines.add("## The agent's cost on gathered (default settings, a fork with -javaagent beside one without)");
        lines.add("");
        if (agentCells.isEmpty()) {
            lines.add("Not measured in this run.");
        } else {
            lines.add("| n | L ms | without ms/op | with ms/op | with / without | without B/op | with B/op |");
            lines.add("|---:|---:|---:|---:|---:|---:|---:|");
            for (Cell without : agentCells) {
                if (without.withAgent()) {
                    continue;
                }
                agentCells.stream().filter(cell -> cell.withAgent() && cell.key().equals(without.key())).findFirst()
                        .ifPresent(with -> lines.add("| " + without.n() + " | " + without.latencyMillis() + " | "
                                + fixed(without.score()) + " | " + fixed(with.score()) + " | "
                                + String.format(Locale.ROOT, "%.3f", with.score() / without.score()) + " | "
                                + bytes(without.allocBytes()) + " | " + bytes(with.allocBytes()) + " |"));
            }
        }
        if (!skipped.isEmpty()) {
            lines.add("");
            lines.add("## Not measured on purpose");
            lines.add("");
            skipped.forEach(cell -> lines.add("- " + cell));
        }
        if (!notes.isEmpty() || !failures.isEmpty()) {
            lines.add("");
            lines.add("## Notes");
            lines.add("");
            notes.forEach(note -> lines.add("- " + note));
            failures.forEach(failure -> lines.add("- FAILED: " + failure));
        }
        return lines;
    }

    List<String> targets() {
        List<String> lines = new ArrayList<>();
        for (Cell cell : find("gathered")) {
            Double target = GATHERED_TARGETS.get(cell.n());
            if (target != null) {
                lines.add("- gathered " + cell.key() + ": " + ratio(cell.ratio()) + " x L, target <= "
                        + target + ": " + verdict(cell.ratio() <= target));
            }
        }
        for (String method : List.of("gatherBounded", "semaphore")) {
            for (Cell cell : find(method)) {
                lines.add("- " + method + " " + cell.key() + ": " + ratio(cell.ratio()) + " x ideal, target <= "
                        + BOUNDED_TARGET + ": " + verdict(cell.ratio() <= BOUNDED_TARGET));
            }
        }
        for (Cell gathered : find("gathered")) {
            find("allOf", gathered).ifPresent(allOf -> lines.add("- gather per task " + gathered.key() + ": "
                    + fixed(gathered.perTaskMicros()) + " µs against allOf " + fixed(allOf.perTaskMicros())
                    + " µs, target gather <= allOf: " + verdict(gathered.perTaskMicros() <= allOf.perTaskMicros())));
        }
        return lines;
    }

    private List<Cell> find(String method) {
        return cells.stream().filter(cell -> cell.method().equals(method))
                .sorted(Comparator.comparing(Cell::latencyMillis).thenComparing(Cell::n).thenComparing(Cell::key))
                .collect(Collectors.toList());
    }

    private Optional<Cell> find(String method, Cell like) {
        return cells.stream().filter(cell -> cell.method().equals(method) && cell.key().equals(like.key()))
                .findFirst();
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String fixed(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.3f", value);
    }

    private static String bytes(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f", value);
    }
}
