package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
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
                "| **added by the agent** | **+225 ms** | |", "Peak memory not measured");
    }

    @Test
    void theTableGivesPeakMemoryWhenItWasMeasured() {
        StartupCostRun.Summary summary = new StartupCostRun.Summary(List.of(40.0, 30.0, 35.0),
                List.of(260.0, 250.0, 290.0), List.of(36.0, 37.0, 36.5), List.of(50.0, 52.0, 51.0));

        assertThat(StartupCostRun.table(summary, "OpenJDK 17", 3)).contains(
                "| without agent | 36.5 MiB | 36.0–37.0 MiB |", "| with agent | 51.0 MiB | 50.0–52.0 MiB |",
                "| **added by the agent** | **+14.5 MiB** | |");
    }

    @Test
    void theTableGivesCpuTimeLoadedClassesAndTheLoadWhenMeasured() {
        StartupCostRun.Summary summary = new StartupCostRun.Summary(List.of(40.0, 30.0, 35.0),
                List.of(260.0, 250.0, 290.0), List.of(36.0, 37.0, 36.5), List.of(50.0, 52.0, 51.0),
                List.of(30.0, 40.0, 30.0), List.of(300.0, 280.0, 320.0), 406, 1073, 0.5, 1.25);

        assertThat(StartupCostRun.table(summary, "OpenJDK 17", 3)).contains(
                "| without agent | 30 ms | 30–40 ms |", "| with agent | 300 ms | 280–320 ms |",
                "| **added by the agent** | **+270 ms** | |", "406 without the agent, 1073 with it",
                "load average: 0.50 before the series, 1.25 after");
    }

    @Test
    void cpuTimeAndPeakMemoryAreReadFromTheLastLineOfGnuTimeAndAnythingElseIsNamed() {
        StartupCostRun.Usage usage = StartupCostRun.usage("Command exited with non-zero status 1\n0.25 0.05 51200\n",
                List.of("java"));
        assertThat(usage.cpuMillis()).isCloseTo(300.0, within(1e-9));
        assertThat(usage.peakMiB()).isEqualTo(50.0);
        assertThatThrownBy(() -> StartupCostRun.usage("51200", List.of("java")))
                .hasMessageContaining("reported no CPU time and peak memory").hasMessageContaining("'51200'");
        assertThatThrownBy(() -> StartupCostRun.usage("n/a n/a n/a", List.of("java")))
                .hasMessageContaining("'n/a n/a n/a'");
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
        if (Files.isExecutable(Path.of(StartupCostRun.TIME))) {
            assertThat(summary.peakWith()).singleElement().satisfies(mib -> assertThat(mib).isGreaterThan(1.0));
            assertThat(summary.cpuWith()).singleElement().satisfies(ms -> assertThat(ms).isPositive());
        }
        assertThat(summary.classesWith()).as("the agent's own classes load too")
                .isGreaterThan(summary.classesWithout()).isGreaterThan(100);
        assertThat(work.resolve("startup-report.json")).as("the agent wrote its report at exit").isRegularFile();
    }
}
