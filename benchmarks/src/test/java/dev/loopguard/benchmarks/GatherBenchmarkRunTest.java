package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.TimeValue;

class GatherBenchmarkRunTest {

    @TempDir
    Path repository;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    @DisplayName("--help prints the usage line and the profiles, and exits 0 without running anything")
    void help() throws IOException {
        assertThat(run("--help")).isZero();
        assertThat(text(out)).startsWith(GatherBenchmarkRun.USAGE).contains("--profile quick", "--profile full",
                "--no-agent");
        assertThat(text(err)).isEmpty();
    }

    @Test
    @DisplayName("an unknown argument exits 2 with what was wrong, the accepted arguments and the usage line")
    void unknownArgument() throws IOException {
        assertThat(run("--profle", "full")).isEqualTo(2);
        assertThat(text(err)).contains("unknown argument '--profle'", "--profile quick|full")
                .contains(GatherBenchmarkRun.USAGE);
        assertThat(text(out)).isEmpty();
    }

    @Test
    @DisplayName("a bad profile, a missing value and contradicting options each exit 2 naming the option")
    void badValues() throws IOException {
        assertThat(run("--profile", "fast")).isEqualTo(2);
        assertThat(text(err)).contains("--profile must be quick or full, was 'fast'");
        err.reset();
        assertThat(run("--output")).isEqualTo(2);
        assertThat(text(err)).contains("--output needs a value");
        err.reset();
        assertThat(run("--agent-jar", "--no-agent")).isEqualTo(2);
        assertThat(text(err)).contains("--agent-jar needs a value");
        err.reset();
        assertThat(run("--agent-jar", "a.jar", "--no-agent")).isEqualTo(2);
        assertThat(text(err)).contains("contradict");
    }

    @Test
    @DisplayName("an --agent-jar that is not a file exits 2 before any benchmark runs")
    void missingAgentJar() throws IOException {
        Path missing = repository.resolve("nowhere.jar");
        assertThat(run("--agent-jar", missing.toString(), "--output", repository.toString())).isEqualTo(2);
        assertThat(text(err)).contains("--agent-jar " + missing + " is not a file", "--no-agent");
        assertThat(text(out)).isEmpty();
    }

    @Test
    @DisplayName("defaults: the quick profile, results under benchmarks/target/benchmarks, the repository's agent jar")
    void defaults() {
        GatherBenchmarkRun.Arguments arguments = GatherBenchmarkRun.parse(List.of(), repository);
        assertThat(arguments.profile()).isEqualTo(GatherBenchmarkRun.Profile.QUICK);
        assertThat(arguments.output()).isEqualTo(repository.resolve("benchmarks/target/benchmarks"));
        assertThat(arguments.agentJar()).isEqualTo(repository.resolve("agent/target/loopguard-agent.jar"));
        assertThat(GatherBenchmarkRun.parse(List.of("--no-agent", "--profile", "full"), repository))
                .satisfies(a -> assertThat(a.agentJar()).isNull())
                .satisfies(a -> assertThat(a.profile()).isEqualTo(GatherBenchmarkRun.Profile.FULL));
        assertThatThrownBy(() -> GatherBenchmarkRun.parse(List.of("--output", "a,b"), repository))
                .hasMessageContaining("must not contain ','");
    }

    @Test
    @DisplayName("sequential runs only where N x L is at most 1 s, and the other cells are listed with the reason")
    void sequentialCellsOverTheLimitAreLeftOut() {
        List<GatherBenchmarkRun.Step> sequential = GatherBenchmarkRun.benchmarkSteps().stream()
                .filter(step -> step.include().contains("(sequential)")).collect(Collectors.toList());
        assertThat(sequential).extracting(step -> step.params().get("latencyMillis"))
                .containsExactly(List.of("1"), List.of("10"));
        assertThat(sequential.get(0).params().get("n")).containsExactly("1", "10", "100", "1000");
        assertThat(sequential.get(1).params().get("n")).containsExactly("1", "10", "100");
        assertThat(GatherBenchmarkRun.skippedCells()).filteredOn(cell -> cell.startsWith("sequential"))
                .containsExactly(
                        "sequential n=10000 latencyMillis=1: N x L = 10000 x 1 ms = 10.0 s per operation passes the "
                                + "1 s limit for awaiting each read in turn; its ideal, N x L, is known without "
                                + "measuring it",
                        "sequential n=1000 latencyMillis=10: N x L = 1000 x 10 ms = 10.0 s per operation passes the "
                                + "1 s limit for awaiting each read in turn; its ideal, N x L, is known without "
                                + "measuring it",
                        "sequential n=10000 latencyMillis=10: N x L = 10000 x 10 ms = 100.0 s per operation passes "
                                + "the 1 s limit for awaiting each read in turn; its ideal, N x L, is known without "
                                + "measuring it");
    }

    @Test
    @DisplayName("the agent-cost runs pair a fork without the agent with one at its default level, per cell")
    void agentCostPairs() {
        Path agent = repository.resolve("agent.jar");
        List<GatherBenchmarkRun.Step> steps = GatherBenchmarkRun.agentCostSteps(agent, repository);
        assertThat(steps).hasSize(8);
        for (int i = 0; i < steps.size(); i += 2) {
            assertThat(steps.get(i).jvmArgs()).isEmpty();
            assertThat(steps.get(i + 1).params()).isEqualTo(steps.get(i).params());
            assertThat(steps.get(i + 1).jvmArgs()).singleElement().asString()
                    .startsWith("-javaagent:" + agent.toAbsolutePath() + "=report=")
                    .doesNotContain("tasks=");
        }
        assertThat(steps).extracting(GatherBenchmarkRun.Step::resultFile).containsOnly("gathered-agent-cost.json");
        // Both forks of a pair warm up long enough for the woven code to compile, even in the quick profile.
        Options quick = GatherBenchmarkRun.options(GatherBenchmarkRun.Profile.QUICK, steps.get(1)).build();
        assertThat(quick.getWarmupIterations().get()).isEqualTo(3);
        assertThat(quick.getWarmupTime().get()).isEqualTo(TimeValue.seconds(1));
        Options plain = GatherBenchmarkRun.options(GatherBenchmarkRun.Profile.QUICK,
                GatherBenchmarkRun.benchmarkSteps().get(0)).build();
        assertThat(plain.getWarmupIterations().get()).isEqualTo(2);
        assertThat(plain.getWarmupTime().get()).isEqualTo(TimeValue.seconds(1));
        assertThat(plain.getJvmArgs().get()).containsExactlyElementsOf(GatherBenchmarkRun.FORK_JVM_ARGS);
    }

    private int run(String... args) throws IOException {
        return GatherBenchmarkRun.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
