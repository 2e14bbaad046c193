package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

    @Test
    @DisplayName("shows each configuration against the no-agent row of the same benchmark, and why a row is missing")
    void rendersComparison() {
        ComparisonTable table = new ComparisonTable();
        Configuration off = Configuration.loopguard("off");
        table.measured("Chain.hops", Configuration.NONE, 2_000_000, 20_000, 144.0);
        table.measured("Chain.hops", off, 1_950_000, 25_000, 150.5);
        table.measured("Chain.hops", Configuration.BLOCKHOUND, 1_000_000, Double.NaN, Double.NaN);
        table.missing("Locks.reentrant", off, "skipped: no agent jar at agent/target/loopguard-agent.jar");
        table.footprint(Configuration.NONE, 44.0, 44.0, 44.1);
        table.footprint(Configuration.loopguard("full"), 82.5, 80.0, 90.25);
        table.note("a remark");

        String document = table.render(List.of("# Title"));

        assertThat(document).startsWith("# Title\n\n| Benchmark | Configuration | Score (ops/s) |");
        assertThat(document).contains(
                "| Chain.hops | no agent | 2,000,000 | 20,000 | baseline | 500.0 | 144.0 |\n",
                "| Chain.hops | loopguard tasks=off | 1,950,000 | 25,000 | -2.5% | 512.8 | 150.5 |\n",
                "| Chain.hops | BlockHound 1.0.17 | 1,000,000 | n/a | -50.0% | 1000.0 | n/a |\n",
                "| Locks.reentrant | loopguard tasks=off | skipped: no agent jar at agent/target/loopguard-agent.jar"
                        + " | | | | |\n",
                "| no agent | 44.0 | 44.0–44.1 | baseline |\n",
                "| loopguard tasks=full | 82.5 | 80.0–90.3 | +38.5 |\n",
                "- a remark\n");
    }

    @Test
    @DisplayName("a row without a no-agent measurement says there is no baseline")
    void noBaseline() {
        ComparisonTable table = new ComparisonTable();
        table.measured("Chain.hops", Configuration.loopguard("full"), 1_000, 10, 1);

        assertThat(table.render(List.of())).contains("| n/a (no baseline) |");
    }

    @Test
    @DisplayName("refuses a score that is not positive, since throughput cannot be zero when a benchmark ran")
    void rejectsNonPositiveScore() {
        assertThatThrownBy(() -> new ComparisonTable().measured("Chain.hops", Configuration.NONE, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("score of Chain.hops under no agent must be > 0, was 0.0");
    }
}
