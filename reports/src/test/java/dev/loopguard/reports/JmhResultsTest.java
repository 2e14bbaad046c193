package dev.loopguard.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultsTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("reads JMH 1.37 -rf json output: params, the 99.9% interval, secondary metrics and \"NaN\" strings")
    void readsJmhOutput() {
        List<BenchmarkResult> results = JmhResults.read(Path.of("src/test/resources/fixtures/jmh-results.json"));

        assertThat(results).hasSize(29);
        BenchmarkResult first = results.get(0);
        assertThat(first.benchmark()).isEqualTo("dev.loopguard.benchmarks.SequentialVsGatheredBenchmark.allOf");
        assertThat(first.method()).isEqualTo("allOf");
        assertThat(first.params()).containsEntry("n", "1").containsEntry("latencyMillis", "10")
                .containsEntry("poolSize", "4");
        assertThat(first.unit()).isEqualTo("ms/op");
        assertThat(first.scoreLow()).isLessThan(first.score()).isEqualTo(first.score() - first.scoreError(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(first.secondaryMetrics()).containsKeys("gc.alloc.rate", "gc.alloc.rate.norm", "gc.count");
        assertThat(first.secondaryMetrics().get("gc.alloc.rate.norm").unit()).isEqualTo("B/op");
        assertThat(first.secondaryMetrics().get("gc.count").scoreError()).isNaN();
        BenchmarkResult single = results.stream().filter(r -> r.method().equals("virtualThreads")
                && r.params().get("n").equals("1000")).findFirst().orElseThrow();
        assertThat(single.scoreError()).isNaN();
        assertThat(single.scoreLow()).isNaN();
    }

    @Test
    @DisplayName("reads \"Infinity\" as infinity")
    void infinity() throws Exception {
        Path file = dir.resolve("inf.json");
        Files.writeString(file, "[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"primaryMetric\":{\"score\":1.5,"
                + "\"scoreError\":\"Infinity\",\"scoreConfidence\":[\"-Infinity\",\"Infinity\"],\"scoreUnit\":\"ms/op\"}}]");

        BenchmarkResult r = JmhResults.read(file).get(0);
        assertThat(r.scoreError()).isInfinite();
        assertThat(r.scoreLow()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(r.params()).isEmpty();
    }

    @Test
    @DisplayName("names each problem's location and the accepted form")
    void malformed() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"primaryMetric\":{\"score\":\"fast\","
                + "\"scoreUnit\":\"ms/op\"}}, {\"mode\":\"avgt\",\"primaryMetric\":{\"score\":1,\"scoreUnit\":\"ms/op\"}}]");

        assertThatThrownBy(() -> JmhResults.read(file)).isInstanceOfSatisfying(InvalidReportException.class, e -> {
            assertThat(e.getMessage()).contains("JMH results " + file + " do not have the shape JMH writes");
            assertThat(e.problems()).containsExactly(
                    "$[0].primaryMetric.score: must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", was \"fast\"",
                    "$[1].benchmark: required, a non-empty string, was missing");
        });
    }

    @Test
    @DisplayName("rejects a findings report given as JMH results")
    void notAnArray() {
        assertThatThrownBy(() -> JmhResults.read(Path.of("src/test/resources/fixtures/shard-a.json")))
                .isInstanceOf(InvalidReportException.class)
                .hasMessageContaining("$: must be the array of results JMH writes with -rf json, was object");
    }
}
