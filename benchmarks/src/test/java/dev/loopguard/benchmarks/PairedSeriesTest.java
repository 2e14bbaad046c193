package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PairedSeriesTest {

    @Test
    @DisplayName("each score is compared with the baseline of its own round, so a slow round does not count against the agent")
    void comparesWithinRounds() {
        PairedSeries series = new PairedSeries("none");
        double[] baseline = {100, 200, 100, 150, 100};
        double[] agent = {90, 180, 95, 135, 80}; // -10%, -10%, -5%, -10%, -20%
        for (int round = 0; round < baseline.length; round++) {
            series.add("Bench.a", "none", round, baseline[round]);
            series.add("Bench.a", "sampled", round, agent[round]);
        }

        PairedSeries.Summary s = series.summary("Bench.a", "sampled");

        assertThat(s.rounds()).isEqualTo(5);
        assertThat(s.medianRatio()).isCloseTo(-0.10, within(1e-9));
        assertThat(s.lowerQuartile()).isCloseTo(-0.10, within(1e-9));
        assertThat(s.upperQuartile()).isCloseTo(-0.10, within(1e-9));
        assertThat(s.ratioOfMeans()).isCloseTo(580.0 / 650 - 1, within(1e-9));
        assertThat(series.baselineMedian("Bench.a")).isEqualTo(100);
    }

    @Test
    @DisplayName("a round in which either side failed is left out of the pairs")
    void skipsUnpairedRounds() {
        PairedSeries series = new PairedSeries("none");
        series.add("Bench.a", "none", 0, 100);
        series.add("Bench.a", "full", 0, 50);
        series.add("Bench.a", "full", 1, 10); // no baseline in round 1
        series.add("Bench.a", "none", 2, 100);
        series.add("Bench.a", "full", 2, 40);

        PairedSeries.Summary s = series.summary("Bench.a", "full");

        assertThat(s.rounds()).isEqualTo(2);
        assertThat(s.medianRatio()).isCloseTo(-0.55, within(1e-9));
        assertThat(series.summary("Bench.a", "off")).isNull();
        assertThat(series.summary("Bench.other", "full")).isNull();
    }

    @Test
    @DisplayName("quartiles interpolate between the closest ranks")
    void quantiles() {
        double[] sorted = {1, 2, 3, 4};
        assertThat(PairedSeries.quantile(sorted, 0.5)).isEqualTo(2.5);
        assertThat(PairedSeries.quantile(sorted, 0.25)).isEqualTo(1.75);
        assertThat(PairedSeries.quantile(new double[] {7}, 0.75)).isEqualTo(7);
        assertThatThrownBy(() -> PairedSeries.quantile(new double[0], 0.5)).hasMessage("no values");
    }

    @Test
    @DisplayName("the table gives the baseline's median and, per configuration, the paired median, quartiles and means")
    void rendersTable() {
        PairedSeries series = new PairedSeries("none");
        series.add("Bench.a", "none", 0, 2_000_000);
        series.add("Bench.a", "loopguard-sampled", 0, 1_800_000);
        series.add("Bench.a", "none", 1, 2_000_000);
        series.add("Bench.a", "loopguard-sampled", 1, 1_800_000);
        series.add("Bench.a", "loopguard-full", 1, 1_000_000);
        series.add("Bench.a", "loopguard-off", 2, 1_000_000);

        List<String> lines = series.render(Map.of("none", "no agent", "loopguard-sampled", "loopguard tasks=sampled",
                "loopguard-full", "loopguard tasks=full", "loopguard-off", "loopguard tasks=off"));

        assertThat(lines).containsSubsequence(
                "| Bench.a | no agent | baseline: 2,000,000 ops/s (median) | | | |",
                "| Bench.a | loopguard tasks=sampled | -10.0% | -10.0% .. -10.0% | -10.0% | 2 |",
                "| Bench.a | loopguard tasks=full | -50.0% | -50.0% .. -50.0% | -50.0% | 1 |",
                "| Bench.a | loopguard tasks=off | no round measured it with the baseline | | | 0 |");
    }

    @Test
    @DisplayName("each round runs every configuration once, and each configuration takes every place in turn")
    void roundsRotateTheOrder() {
        List<String> configs = List.of("none", "off", "sampled", "full");
        assertThat(TrackingCostSeries.orderOfRound(configs, 0)).containsExactly("none", "off", "sampled", "full");
        assertThat(TrackingCostSeries.orderOfRound(configs, 1)).containsExactly("off", "sampled", "full", "none");
        assertThat(TrackingCostSeries.orderOfRound(configs, 3)).containsExactly("full", "none", "off", "sampled");
        assertThat(TrackingCostSeries.orderOfRound(configs, 4)).isEqualTo(configs);
        assertThat(configs).as("the settings' list itself is left alone").startsWith("none");
    }

    @Test
    @DisplayName("the series runner checks its own settings and names them when they are wrong")
    void runnerSettings() {
        assertThat(TrackingCostSeries.rounds(null)).isEqualTo(10);
        assertThat(TrackingCostSeries.rounds(" 4 ")).isEqualTo(4);
        assertThatThrownBy(() -> TrackingCostSeries.rounds("1"))
                .hasMessage("loopguard.series.rounds must be a whole number >= 2, was '1'");
        assertThatThrownBy(() -> TrackingCostSeries.rounds("ten"))
                .hasMessage("loopguard.series.rounds must be a whole number >= 2, was 'ten'");

        Path repository = Path.of(".").toAbsolutePath();
        RunSettings all = RunSettings.from(Map.of(), repository);
        assertThat(TrackingCostSeries.configurations(all, TrackingCostSeries.Suite.TASK_TRACKING))
                .containsExactly("none", "loopguard-off", "loopguard-sampled", "loopguard-full");
        assertThat(TrackingCostSeries.configurations(all, TrackingCostSeries.Suite.HOT_PATHS))
                .containsExactly("none", "loopguard-off", "loopguard-sampled", "blockhound");
        RunSettings noBaseline = RunSettings.from(Map.of("loopguard.bench.configs", "loopguard-sampled"), repository);
        assertThatThrownBy(() -> TrackingCostSeries.configurations(noBaseline, TrackingCostSeries.Suite.TASK_TRACKING))
                .hasMessageStartingWith("loopguard.bench.configs must include 'none' and at least one of");

        assertThat(TrackingCostSeries.Suite.named(null)).isEqualTo(TrackingCostSeries.Suite.TASK_TRACKING);
        assertThat(TrackingCostSeries.Suite.named("hot-paths")).isEqualTo(TrackingCostSeries.Suite.HOT_PATHS);
        assertThatThrownBy(() -> TrackingCostSeries.Suite.named("hotpaths"))
                .hasMessage("loopguard.series.suite must be task-tracking or hot-paths, was 'hotpaths'");
    }
}
