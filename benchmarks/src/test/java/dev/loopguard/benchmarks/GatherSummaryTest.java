package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GatherSummaryTest {

    @Test
    @DisplayName("each method's ideal follows its rule: N x L, L, or whole waves of the pool or bound")
    void ideals() {
        assertThat(Ideal.millis("sequential", Map.of("n", "100", "latencyMillis", "10"))).isEqualTo(1000.0);
        assertThat(Ideal.millis("gathered", Map.of("n", "10000", "latencyMillis", "10"))).isEqualTo(10.0);
        assertThat(Ideal.millis("allOf", Map.of("n", "10000", "latencyMillis", "1"))).isEqualTo(1.0);
        assertThat(Ideal.millis("virtualThreads", Map.of("n", "10", "latencyMillis", "1"))).isEqualTo(1.0);
        assertThat(Ideal.millis("platformPool", Map.of("n", "1000", "latencyMillis", "10", "poolSize", "64")))
                .isEqualTo(160.0);
        assertThat(Ideal.millis("gatherBounded", Map.of("n", "100", "latencyMillis", "1", "bound", "8")))
                .isEqualTo(13.0);
        assertThat(Ideal.millis("semaphore", Map.of("n", "1000", "latencyMillis", "10", "bound", "64")))
                .isEqualTo(160.0);
        assertThatThrownBy(() -> Ideal.millis("gatherBounded", Map.of("n", "100", "latencyMillis", "1")))
                .hasMessageContaining("needs parameter 'bound'");
        assertThatThrownBy(() -> Ideal.millis("parallelStream", Map.of("n", "1", "latencyMillis", "1")))
                .hasMessageContaining("no ideal is defined for benchmark method 'parallelStream'");
    }

    @Test
    @DisplayName("the targets are judged against the ideal, and gather's cost per task against allOf's")
    void targets() {
        GatherSummary summary = new GatherSummary(List.of(
                cell("gathered", "1000", "10", 11.5),      // 1.15 x L: met
                cell("gathered", "10000", "10", 21.0),     // 2.1 x L: missed
                cell("allOf", "1000", "10", 11.0),         // per task 1.0 µs against gathered's 1.5 µs
                cell("allOf", "10000", "10", 22.0),        // per task 1.2 µs against gathered's 1.1 µs
                new GatherSummary.Cell("gatherBounded", Map.of("n", "100", "latencyMillis", "10", "bound", "8"),
                        140.0, 1, 100, false)),            // ideal 130: 1.08
                List.of());

        assertThat(summary.targets()).containsExactly(
                "- gathered n=1000 latencyMillis=10: 1.15 x L, target <= 1.2: met",
                "- gathered n=10000 latencyMillis=10: 2.10 x L, target <= 2.0: MISSED",
                "- gatherBounded n=100 latencyMillis=10 bound=8: 1.08 x ideal, target <= 1.2: met",
                "- gather per task n=1000 latencyMillis=10: 1.500 µs against allOf 1.000 µs, target gather <= allOf: "
                        + "MISSED",
                "- gather per task n=10000 latencyMillis=10: 1.100 µs against allOf 1.200 µs, target gather <= allOf: "
                        + "met");
    }

    @Test
    @DisplayName("the agent table pairs each cell with the agent against the same cell without it")
    void agentPairs() {
        GatherSummary summary = new GatherSummary(List.of(), List.of(
                cell("gathered", "1000", "10", 11.0),
                new GatherSummary.Cell("gathered", Map.of("n", "1000", "latencyMillis", "10"), 12.1, 0.1, 500,
                        true)));
        assertThat(summary.render(new Properties(), List.of(), List.of(), List.of()))
                .contains("| 1000 | 10 | 11.000 | 12.100 | 1.100 | 1000 | 500 |");
    }

    private static GatherSummary.Cell cell(String method, String n, String latency, double score) {
        return new GatherSummary.Cell(method, Map.of("n", n, "latencyMillis", latency), score, 0.1, 1000, false);
    }
}
