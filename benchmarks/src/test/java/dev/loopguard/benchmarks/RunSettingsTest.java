package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.TimeValue;

class RunSettingsTest {

    private static final Path REPOSITORY = Path.of("/repo");

    @Test
    @DisplayName("defaults: agent jar and output under the repository, 1 fork, 3x2s warmup, 5x2s measurement, all configurations")
    void defaults() {
        RunSettings settings = RunSettings.from(Map.of(), REPOSITORY);

        assertThat(settings.agentJar()).isEqualTo(Path.of("/repo/agent/target/loopguard-agent.jar"));
        assertThat(settings.output()).isEqualTo(Path.of("/repo/benchmarks/target"));
        assertThat(settings.forks()).isEqualTo(1);
        assertThat(settings.warmupIterations()).isEqualTo(3);
        assertThat(settings.warmupTime()).isEqualTo(TimeValue.seconds(2));
        assertThat(settings.measurementIterations()).isEqualTo(5);
        assertThat(settings.measurementTime()).isEqualTo(TimeValue.seconds(2));
        assertThat(settings.configs()).containsExactlyElementsOf(RunSettings.CONFIG_IDS);
        assertThat(settings.footprintCount()).isEqualTo(500_000);
    }

    @Test
    @DisplayName("reads every property")
    void readsProperties() {
        RunSettings settings = RunSettings.from(Map.of(
                "loopguard.agentJar", "/elsewhere/agent.jar",
                "loopguard.bench.output", "/tmp/out",
                "loopguard.bench.forks", "2",
                "loopguard.bench.warmup", "1x500ms",
                "loopguard.bench.measurement", "4x1s",
                "loopguard.bench.configs", "none, loopguard-full",
                "loopguard.bench.footprint", "0"), REPOSITORY);

        assertThat(settings.agentJar()).isEqualTo(Path.of("/elsewhere/agent.jar"));
        assertThat(settings.agentJarPresent()).isFalse();
        assertThat(settings.output()).isEqualTo(Path.of("/tmp/out"));
        assertThat(settings.forks()).isEqualTo(2);
        assertThat(settings.warmupIterations()).isEqualTo(1);
        assertThat(settings.warmupTime()).isEqualTo(TimeValue.milliseconds(500));
        assertThat(settings.measurementIterations()).isEqualTo(4);
        assertThat(settings.measurementTime()).isEqualTo(TimeValue.seconds(1));
        assertThat(settings.configs()).containsExactly("none", "loopguard-full");
        assertThat(settings.footprintCount()).isZero();
    }

    @Test
    @DisplayName("rejects malformed values, naming the property, the value and the accepted form")
    void rejectsMalformedValues() {
        assertThatThrownBy(() -> RunSettings.from(Map.of("loopguard.bench.forks", "0"), REPOSITORY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loopguard.bench.forks must be >= 1, was 0");
        assertThatThrownBy(() -> RunSettings.from(Map.of("loopguard.bench.forks", "two"), REPOSITORY))
                .hasMessage("loopguard.bench.forks must be a whole number >= 1, was 'two'");
        assertThatThrownBy(() -> RunSettings.from(Map.of("loopguard.bench.warmup", "3x2"), REPOSITORY))
                .hasMessage("loopguard.bench.warmup must be ITERATIONSxTIME with both >= 1 and TIME in ms or s, "
                        + "e.g. 5x2s or 3x500ms, was '3x2'");
        assertThatThrownBy(() -> RunSettings.from(Map.of("loopguard.bench.measurement", "0x1s"), REPOSITORY))
                .hasMessageStartingWith("loopguard.bench.measurement must be ITERATIONSxTIME");
        assertThatThrownBy(() -> RunSettings.from(Map.of("loopguard.bench.configs", "none,jfr"), REPOSITORY))
                .hasMessage("loopguard.bench.configs must list ids from " + RunSettings.CONFIG_IDS
                        + " separated by ',', but 'jfr' is not one (value was 'none,jfr')");
        assertThatThrownBy(() -> RunSettings.from(Map.of("loopguard.bench.footprint", "10"), REPOSITORY))
                .hasMessage("loopguard.bench.footprint must be 0 (skip) or >= 1000, was 10");
    }

    @Test
    @DisplayName("finds the repository two levels above the benchmark classes")
    void locatesRepository() {
        // Tests load the classes from benchmarks/target/classes, so the root is the directory holding benchmarks/.
        assertThat(RunSettings.locateRepository().resolve("benchmarks/pom.xml")).exists();
    }
}
