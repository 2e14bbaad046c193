package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every agent-cost benchmark once, briefly and in this JVM, with no agent: the benchmarks compile, set up, do
 * their work and tear down. Speed is never asserted; a build machine's numbers mean nothing. The gather benchmarks
 * have their own smoke test ({@code GatherBenchmarksSmokeTest}).
 */
class BenchmarksSmokeTest {

    static final List<Class<?>> BENCHMARK_CLASSES = List.of(CompletableFutureChainBenchmark.class,
            UncontendedLockBenchmark.class, NettyResubmitBenchmark.class, NettyMixedWorkloadBenchmark.class,
            BlockingMethodFastPathBenchmark.class, FutureTrackingBenchmark.class);

    @Test
    @DisplayName("every benchmark runs without an agent and reports a positive score")
    void everyBenchmarkRunsAndScores() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("^" + AgentOverheadRun.PREFIX.replace(".", "\\.") + "("
                        + BENCHMARK_CLASSES.stream().map(Class::getSimpleName).collect(Collectors.joining("|"))
                        + ")\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Map<String, Double> scores = results.stream().collect(Collectors.toMap(BenchmarksSmokeTest::label,
                result -> result.getPrimaryResult().getScore()));
        assertThat(scores.keySet()).containsExactlyInAnyOrderElementsOf(expectedLabels());
        assertThat(scores).allSatisfy((label, score) -> assertThat(score).as(label).isPositive());
    }

    @Test
    @DisplayName("the comparison runs only benchmarks that exist, with parameter values they declare")
    void comparisonCasesNameRealBenchmarks() {
        List<AgentOverheadRun.Case> cases = new ArrayList<>(AgentOverheadRun.BLOCKING_DETECTION_CASES);
        cases.addAll(AgentOverheadRun.TASK_TRACKING_CASES);
        List<String> labels = expectedLabels();
        for (AgentOverheadRun.Case benchmark : cases) {
            assertThat(labels).as("benchmarks the comparison names").contains(benchmark.display());
        }
    }

    /** {@code Class.method}, plus {@code param=value} for each declared parameter value. */
    private static List<String> expectedLabels() {
        List<String> labels = new ArrayList<>();
        for (Class<?> type : BENCHMARK_CLASSES) {
            List<String> params = new ArrayList<>();
            for (var field : type.getFields()) {
                Param param = field.getAnnotation(Param.class);
                if (param != null) {
                    for (String value : param.value()) {
                        params.add(field.getName() + "=" + value);
                    }
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Benchmark.class)) {
                    String name = type.getSimpleName() + "." + method.getName();
                    if (params.isEmpty()) {
                        labels.add(name);
                    } else {
                        params.forEach(param -> labels.add(name + " " + param));
                    }
                }
            }
        }
        return labels;
    }

    private static String label(RunResult result) {
        String benchmark = result.getParams().getBenchmark().substring(AgentOverheadRun.PREFIX.length());
        String params = result.getParams().getParamsKeys().stream()
                .map(key -> key + "=" + result.getParams().getParam(key))
                .collect(Collectors.joining(" "));
        return params.isEmpty() ? benchmark : benchmark + " " + params;
    }
}
