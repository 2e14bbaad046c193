package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every gather benchmark for one tiny iteration in this JVM, on a small grid (10 sensors, 1 ms), so that the
 * module cannot rot: each benchmark sets up, reads every sensor, checks the readings and tears down. Speed is never
 * asserted. Also shows how a cell that is skipped on purpose looks when the benchmarks run from the JMH command line.
 */
class GatherBenchmarksSmokeTest {

    private static final String SEQUENTIAL = AgentOverheadRun.PREFIX + "SequentialVsGatheredBenchmark.";
    private static final String BOUNDED = AgentOverheadRun.PREFIX + "BoundedGatherBenchmark.";
    private static final String COST = AgentOverheadRun.PREFIX + "GatherCostBenchmark.";

    @Test
    @DisplayName("every gather benchmark runs one tiny iteration and reports a positive time per operation")
    void everyBenchmarkRuns() throws RunnerException {
        List<String> methods = VirtualThreads.available()
                ? GatherBenchmarkRun.SEQUENTIAL_METHODS
                : GatherBenchmarkRun.SEQUENTIAL_METHODS.stream().filter(m -> !m.equals("virtualThreads"))
                        .collect(Collectors.toList());
        ChainedOptionsBuilder options = tiny()
                .include("^(" + SEQUENTIAL.replace(".", "\\.") + "(" + String.join("|", methods) + ")|"
                        + BOUNDED.replace(".", "\\.") + "(gatherBounded|semaphore)|"
                        + COST.replace(".", "\\.") + "(gather|allOf))$")
                .param("n", "10").param("latencyMillis", "1").param("poolSize", "4").param("bound", "3")
                .shouldFailOnError(true);

        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, Double> scores = results.stream().collect(Collectors.toMap(
                result -> result.getParams().getBenchmark(), result -> result.getPrimaryResult().getScore()));
        List<String> expected = methods.stream().map(m -> SEQUENTIAL + m).collect(Collectors.toList());
        expected.add(BOUNDED + "gatherBounded");
        expected.add(BOUNDED + "semaphore");
        expected.add(COST + "gather");
        expected.add(COST + "allOf");
        assertThat(scores.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(scores).allSatisfy((benchmark, score) -> assertThat(score).as(benchmark).isPositive());
    }

    @Test
    @DisplayName("sequential where N x L passes 1 s reports SKIPPED with the reason and no score")
    void sequentialOverTheLimitIsSkipped() throws RunnerException {
        String output = runExpectingNoResult("sequential", "10000", "1");
        assertThat(output).contains("SKIPPED sequential n=10000 latencyMillis=1: N x L = 10000 x 1 ms = 10.0 s per "
                + "operation passes the 1 s limit");
    }

    @Test
    @DisplayName("on a JDK without virtual threads, virtualThreads reports SKIPPED with the reason and no score")
    void virtualThreadsSkippedBeforeJdk21() throws RunnerException {
        assumeFalse(VirtualThreads.available(), "this JDK has virtual threads");
        String output = runExpectingNoResult("virtualThreads", "10", "1");
        assertThat(output).contains("SKIPPED virtualThreads n=10 latencyMillis=1: this JVM is Java "
                + Runtime.version().feature()).contains("need Java 21 or newer");
    }

    @Test
    @DisplayName("on JDK 21+, virtual threads are found at run time although the module targets Java 17")
    void virtualThreadsFoundOnJdk21() {
        assumeTrue(Runtime.version().feature() >= 21, "this JDK is older than 21");
        assertThat(VirtualThreads.available()).isTrue();
        assertThat(GatherBenchmarkRun.skippedCells()).noneMatch(cell -> cell.startsWith("virtualThreads"));
    }

    private static String runExpectingNoResult(String method, String n, String latencyMillis) throws RunnerException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Collection<RunResult> results;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            results = new Runner(tiny().include("^" + SEQUENTIAL.replace(".", "\\.") + method + "$")
                    .param("n", n).param("latencyMillis", latencyMillis).shouldFailOnError(false).build(),
                    OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL)).run();
        }
        assertThat(results).as("results of a skipped cell").isEmpty();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static ChainedOptionsBuilder tiny() {
        return new OptionsBuilder()
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(1))
                .verbosity(VerboseMode.SILENT);
    }
}
