package dev.loopguard.reports.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loopguard.reports.BenchmarkResult;
import dev.loopguard.reports.JmhResults;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BenchmarkAnalysisTest {

    private static final List<BenchmarkResult> RESULTS =
            JmhResults.read(Path.of("src/test/resources/fixtures/jmh-results.json"));

    @Test
    @DisplayName("benchmarks with n and latencyMillis become scaling studies; the others plain tables")
    void sorts() {
        BenchmarkAnalysis analysis = new BenchmarkAnalysis(RESULTS);

        assertThat(analysis.studies).extracting(BenchmarkAnalysis.Study::title).containsExactly(
                "BoundedGatherBenchmark: bound=16, latencyMillis=10",
                "SequentialVsGatheredBenchmark: latencyMillis=10, poolSize=4");
        assertThat(analysis.studies.get(1).byMethod.keySet()).containsExactly("sequential", "gathered", "allOf",
                "virtualThreads", "platformPool");
        assertThat(analysis.others).containsOnlyKeys("dev.loopguard.benchmarks.CompletableFutureChainBenchmark");
    }

    @Test
    @DisplayName("ideal times by method: N x L, L, ceil(N/poolSize) x L, ceil(N/bound) x L")
    void ideals() {
        BenchmarkAnalysis analysis = new BenchmarkAnalysis(RESULTS);
        BenchmarkAnalysis.Study bounded = analysis.studies.get(0);
        BenchmarkAnalysis.Study gathered = analysis.studies.get(1);

        assertThat(gathered.ideal("sequential", 100)).isEqualTo(1000.0);
        assertThat(gathered.ideal("gathered", 100)).isEqualTo(10.0);
        assertThat(gathered.ideal("allOf", 1000)).isEqualTo(10.0);
        assertThat(gathered.ideal("virtualThreads", 1000)).isEqualTo(10.0);
        assertThat(gathered.ideal("platformPool", 10)).isEqualTo(30.0);
        assertThat(bounded.ideal("gatherBounded", 100)).isEqualTo(70.0);
        assertThat(bounded.ideal("semaphore", 1000)).isEqualTo(630.0);
        assertThat(gathered.ideal("somethingElse", 10)).isNaN();
    }

    @Test
    @DisplayName("the ideal follows the score's unit, and the speed-up is sequential over gathered")
    void unitsAndSpeedUp() {
        BenchmarkResult seq = result("sequential", "10", "us/op", 10_500);
        BenchmarkResult gath = result("gathered", "10", "us/op", 1_050);
        BenchmarkAnalysis.Study study = new BenchmarkAnalysis(List.of(seq, gath)).studies.get(0);

        assertThat(study.ideal("sequential", 10)).isEqualTo(10_000.0);
        assertThat(study.speedUp()).containsOnlyKeys(10L);
        assertThat(study.speedUp().get(10L)).isCloseTo(10.0, within(1e-9));
    }

    @Test
    @DisplayName("the same method, N and parameters given twice: the first is drawn and the other counted")
    void duplicates() throws Exception {
        BenchmarkResult first = result("gathered", "10", "ms/op", 12);
        BenchmarkResult again = result("gathered", "10", "ms/op", 15);
        dev.loopguard.reports.ReportData data = dev.loopguard.reports.ReportData.builder()
                .addBenchmarks(List.of(first, again)).build();
        BenchmarkAnalysis.Study study = new BenchmarkAnalysis(data.benchmarks()).studies.get(0);

        assertThat(study.byMethod.get("gathered").get(10L)).isSameAs(first);
        assertThat(study.duplicates).isEqualTo(1);
        assertThat(GoldenFilesTest.render(ReportFormatType.HTML, data, FormatOptions.defaults()))
                .contains("1 more result for the same method, N and parameters was given");
        assertThat(GoldenFilesTest.render(ReportFormatType.MARKDOWN, data, FormatOptions.defaults()))
                .contains("1 more result for the same method, N and parameters not shown");
    }

    @Test
    @DisplayName("a throughput benchmark with n and latencyMillis is a plain table: its score is not a time")
    void throughputIsPlain() {
        BenchmarkResult thrpt = result("gathered", "10", "ops/s", 95);
        BenchmarkAnalysis analysis = new BenchmarkAnalysis(List.of(thrpt));

        assertThat(analysis.studies).isEmpty();
        assertThat(analysis.others).hasSize(1);
    }

    private static BenchmarkResult result(String method, String n, String unit, double score) {
        return new BenchmarkResult("com.acme.Bench." + method, "avgt", 1, 1, "17",
                Map.of("n", n, "latencyMillis", "1"), score, 1, score - 1, score + 1, unit, Map.of());
    }
}
