package dev.loopguard.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads JMH's JSON results ({@code -rf json}). JMH writes numbers it could not compute as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"}; they are read as the doubles they stand for. Everything else that does
 * not have JMH's shape is rejected with its location.
 */
public final class JmhResults {

    private JmhResults() {
    }

    /**
     * @throws InvalidReportException if the file cannot be read, is not JSON, or is not an array of JMH results
     */
    public static List<BenchmarkResult> read(Path file) {
        Objects.requireNonNull(file, "file");
        JsonNode root = JsonInput.read(file, "JMH results", "write them with JMH's -rf json -rff FILE");
        List<String> problems = new ArrayList<>();
        List<BenchmarkResult> results = new ArrayList<>();
        if (!root.isArray()) {
            problems.add("$: must be the array of results JMH writes with -rf json, was " + type(root));
        } else {
            for (int i = 0; i < root.size(); i++) {
                BenchmarkResult result = result(root.get(i), "$[" + i + "]", problems);
                if (result != null) {
                    results.add(result);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidReportException(file, "JMH results " + file + " do not have the shape JMH writes with "
                    + "-rf json, " + problems.size() + " problem(s)", problems.size() > 20
                    ? problems.subList(0, 20) : problems, null);
        }
        return results;
    }

    private static BenchmarkResult result(JsonNode node, String at, List<String> problems) {
        if (!node.isObject()) {
            problems.add(at + ": must be an object, was " + type(node));
            return null;
        }
        int before = problems.size();
        String benchmark = requiredText(node, "benchmark", at, problems);
        String mode = requiredText(node, "mode", at, problems);
        JsonNode primary = node.get("primaryMetric");
        if (primary == null || !primary.isObject()) {
            problems.add(at + ".primaryMetric: required, an object with score, scoreError and scoreUnit");
            return null;
        }
        String pAt = at + ".primaryMetric";
        double score = number(primary.get("score"), pAt + ".score", problems);
        double error = primary.has("scoreError") ? number(primary.get("scoreError"), pAt + ".scoreError", problems)
                : Double.NaN;
        double low = Double.NaN;
        double high = Double.NaN;
        JsonNode confidence = primary.get("scoreConfidence");
        if (confidence != null) {
            if (!confidence.isArray() || confidence.size() != 2) {
                problems.add(pAt + ".scoreConfidence: must be [low, high], was " + confidence);
            } else {
                low = number(confidence.get(0), pAt + ".scoreConfidence[0]", problems);
                high = number(confidence.get(1), pAt + ".scoreConfidence[1]", problems);
            }
        }
        String unit = requiredText(primary, "scoreUnit", pAt, problems);
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode paramsNode = node.get("params");
        if (paramsNode != null) {
            if (!paramsNode.isObject()) {
                problems.add(at + ".params: must be an object of parameter values, was " + type(paramsNode));
            } else {
                paramsNode.fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
            }
        }
        Map<String, BenchmarkResult.Metric> secondary = new LinkedHashMap<>();
        JsonNode secondaryNode = node.get("secondaryMetrics");
        if (secondaryNode != null && secondaryNode.isObject()) {
            secondaryNode.fields().forEachRemaining(m -> {
                String mAt = at + ".secondaryMetrics['" + m.getKey() + "']";
                JsonNode metric = m.getValue();
                if (!metric.isObject()) {
                    problems.add(mAt + ": must be an object, was " + type(metric));
                    return;
                }
                secondary.put(m.getKey(), new BenchmarkResult.Metric(
                        number(metric.get("score"), mAt + ".score", problems),
                        metric.has("scoreError") ? number(metric.get("scoreError"), mAt + ".scoreError", problems)
                                : Double.NaN,
                        metric.path("scoreUnit").asText("")));
            });
        }
        if (problems.size() > before) {
            return null;
        }
        return new BenchmarkResult(benchmark, mode, node.path("threads").asInt(1), node.path("forks").asInt(0),
                node.hasNonNull("jdkVersion") ? node.get("jdkVersion").asText() : null, params, score, error, low, high,
                unit, secondary);
    }

    private static String requiredText(JsonNode node, String field, String at, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            problems.add(at + "." + field + ": required, a non-empty string, was "
                    + (value == null ? "missing" : value.toString()));
            return null;
        }
        return value.asText();
    }

    private static double number(JsonNode value, String at, List<String> problems) {
        if (value != null && value.isNumber()) {
            return value.doubleValue();
        }
        if (value != null && value.isTextual()) {
            switch (value.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        problems.add(at + ": must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", was "
                + (value == null ? "missing" : value.toString()));
        return Double.NaN;
    }

    private static String type(JsonNode node) {
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
