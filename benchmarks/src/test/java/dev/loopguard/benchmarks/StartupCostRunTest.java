package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupCostRunTest {

    @Test
    void mediansOfOddAndEvenSeries() {
        assertThat(StartupCostRun.median(List.of(30.0, 10.0, 20.0))).isEqualTo(20.0);
        assertThat(StartupCostRun.median(List.of(40.0, 10.0, 30.0, 20.0))).isEqualTo(25.0);
        assertThatThrownBy(() -> StartupCostRun.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTableGivesMediansRangesAndTheDifference() {
        StartupCostRun.Summary summary = new StartupCostRun.Summary(List.of(40.0, 30.0, 35.0),
                List.of(260.0, 250.0, 290.0));

        String table = StartupCostRun.table(summary, "OpenJDK 17", 3);

        assertThat(table).contains("- JDK: OpenJDK 17", "3 runs of a hello world",
                "| without agent | 35 ms | 30–40 ms |", "| with agent | 260 ms | 250–290 ms |",
                "| **added by the agent** | **+225 ms** | |");
    }

    @Test
    void badSettingsNameThePropertyTheValueAndTheAcceptedForm() {
        assertThat(StartupCostRun.runs(null)).isEqualTo(StartupCostRun.DEFAULT_RUNS);
        assertThat(StartupCostRun.runs(" 5 ")).isEqualTo(5);
        assertThatThrownBy(() -> StartupCostRun.runs("2")).hasMessage(
                "loopguard.startup.runs must be a whole number from 3 to 1000, was '2'");
        assertThatThrownBy(() -> StartupCostRun.runs("many")).hasMessageContaining("'many'");
        assertThatThrownBy(() -> StartupCostRun.java("/nowhere/bin/java")).hasMessage(
                "loopguard.startup.java must name a java executable (JDK_HOME/bin/java), was '/nowhere/bin/java'");
    }

    @Test
    void measuresRealJvmsWithAndWithoutTheAgent(@TempDir Path work) throws Exception {
        Path agentJar = RunSettings.locateRepository().resolve("agent/target/loopguard-agent.jar");
        assumeThat(Files.isRegularFile(agentJar)).as("the agent jar is built before this module").isTrue();

        StartupCostRun.Summary summary = StartupCostRun.measure(StartupCostRun.java(null), agentJar, 1, work);

        assertThat(summary.without()).singleElement().satisfies(ms -> assertThat(ms).isPositive());
        assertThat(summary.with()).singleElement().satisfies(ms -> assertThat(ms).isPositive());
        assertThat(work.resolve("startup-report.json")).as("the agent wrote its report at exit").isRegularFile();
    }
}
