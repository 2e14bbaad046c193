package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    private static final Path JAR = Path.of("/repo/agent/target/loopguard-agent.jar");
    private static final Path OUT = Path.of("/repo/benchmarks/target");

    @Test
    @DisplayName("a Loopguard configuration starts the agent with its tracking level and a report under the output")
    void loopguardArguments() {
        Configuration full = AgentOverheadRun.configuration("loopguard-full");

        assertThat(full.needsAgentJar()).isTrue();
        assertThat(full.jvmArgs(JAR, OUT, "FutureTrackingBenchmark.completeInline")).containsExactly(
                "-javaagent:/repo/agent/target/loopguard-agent.jar=report=/repo/benchmarks/target/"
                        + "loopguard-report-loopguard-full-FutureTrackingBenchmark.completeInline.json,tasks=full");
    }

    @Test
    @DisplayName("BlockHound gets its redefinition flag and the switch its setup reads; no agent gets nothing")
    void otherArguments() {
        assertThat(AgentOverheadRun.configuration("blockhound").jvmArgs(JAR, OUT, "x"))
                .containsExactly("-XX:+AllowRedefinitionToAddDeleteMethods", "-Dloopguard.bench.blockhound=true");
        assertThat(AgentOverheadRun.configuration("none").jvmArgs(JAR, OUT, "x")).isEmpty();
        assertThat(AgentOverheadRun.configuration("none").needsAgentJar()).isFalse();
    }

    @Test
    @DisplayName("rejects an unknown tracking level and a report path that would split the agent's options")
    void rejectsBadInput() {
        assertThatThrownBy(() -> Configuration.loopguard("all"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tasks must be one of off|sampled|full, was 'all'");
        assertThatThrownBy(() -> Configuration.loopguard("off").jvmArgs(JAR, Path.of("/tmp/a,b"), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the report directory must not contain ',' because agent options are comma-separated, "
                        + "was '/tmp/a,b'");
    }
}
