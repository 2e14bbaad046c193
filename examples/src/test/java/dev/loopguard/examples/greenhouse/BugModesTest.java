package dev.loopguard.examples.greenhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each bug mode, run as a user runs the demo: {@code GreenhouseDemo --bugs MODE} in a JVM of its own started with
 * {@code -javaagent:} the shaded agent jar, whose JSON report is read after it exits. Each mode must give exactly its
 * kind of finding, at the line of the example's code that makes the mistake (found in the source by the statement
 * itself, so that editing the file above it moves the expectation with it); the correct mode must give none.
 *
 * <p>The reports go to {@code target/greenhouse-bug-runs/}, not to {@code target/loopguard/}: the findings these
 * runs are meant to produce are asserted here, and never reach the Loopguard plugin's {@code check}.
 */
class BugModesTest {

    /** Long enough for the DHT22 dropout's alert at 5 h and the heater's first re-tune at 6 h. */
    private static final String HOURS = "7";

    static Stream<Arguments> modes() {
        return Stream.of(
                Arguments.of(Bug.BLOCKING, "QuickReadInput", "loopAsync", "Reading reading = sensor.readBlocking("),
                Arguments.of(Bug.LOST, "Notifier", "send", "return CompletableFuture.runAsync(() -> deliver("),
                Arguments.of(Bug.UNHANDLED, "InputController", "loopAsync", "sensor.read().thenAccept("),
                Arguments.of(Bug.IGNORED, "AlertController", "notify", "notifier.send(message);"),
                Arguments.of(Bug.STALL, "HeaterController", "loopAsync", "hysteresis = HeaterTuning.tune("));
    }

    @ParameterizedTest(name = "--bugs {0}: {1}")
    @MethodSource("modes")
    @DisplayName("each bug mode is found under the agent, as its kind only, at the line that makes the mistake")
    void bugModeIsFoundAtItsLine(Bug bug, String type, String method, String statement) throws Exception {
        JsonNode report = runUnderTheAgent(bug.option());

        List<JsonNode> findings = new ArrayList<>();
        report.get("findings").forEach(findings::add);
        assertThat(findings).extracting(f -> f.get("kind").asText()).as(report.toPrettyString())
                .containsOnly(bug.findingKind());
        String frame = "dev.loopguard.examples.greenhouse." + type + "." + method + "(" + type + ".java:"
                + lineOf(type, statement) + ")";
        if (bug == Bug.STALL) {
            // A stall's stack is sampled while it lasts: its site is wherever the tuning was at that moment, and the
            // line that started the tuning on the loop is below it.
            assertThat(findings).anySatisfy(f -> assertThat(f.get("stack").toString()).contains(frame));
            assertThat(findings).allSatisfy(f -> assertThat(f.get("durationMillis").asLong()).isGreaterThan(100));
        } else {
            assertThat(findings).anySatisfy(f -> assertThat(f.get("site").asText()).isEqualTo(frame));
        }
        assertThat(report.get("agentErrors")).isEmpty();
    }

    @Test
    @DisplayName("the correct mode, under the same agent: no finding at all")
    void correctModeHasNoFindings() throws Exception {
        JsonNode report = runUnderTheAgent("none");

        assertThat(report.get("findings")).as(report.toPrettyString()).isEmpty();
        assertThat(report.get("agentErrors")).isEmpty();
    }

    /** Runs the demo for {@value #HOURS} simulated hours under the agent and returns its report. */
    private static JsonNode runUnderTheAgent(String bugs) throws IOException, InterruptedException {
        String agentJar = System.getProperty("greenhouse.agentJar");
        assertThat(agentJar).as("the system property greenhouse.agentJar (set by the examples' pom) names the agent "
                + "jar").isNotBlank().doesNotContain("${");
        Path dir = Files.createDirectories(Path.of(System.getProperty("greenhouse.bugRuns",
                "target/greenhouse-bug-runs")).resolve(bugs));
        Path report = dir.resolve("greenhouse.json");
        Files.deleteIfExists(report);
        Path out = dir.resolve("out.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + agentJar + "=report=" + report + ",tasks=full,packages=dev.loopguard.examples",
                "-cp", System.getProperty("java.class.path"), GreenhouseDemo.class.getName(),
                "--hours", HOURS, "--bugs", bugs)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the demo ends").isTrue();
        assertThat(process.exitValue()).as(Files.readString(out, StandardCharsets.UTF_8)).isZero();
        return new ObjectMapper().readTree(report.toFile());
    }

    /** The line of {@code type}'s source that holds {@code statement}, which must be there exactly once. */
    private static int lineOf(String type, String statement) throws IOException {
        Path source = Path.of(System.getProperty("greenhouse.sources", "src/main/java"),
                "dev/loopguard/examples/greenhouse", type + ".java");
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(statement)) {
                found.add(i + 1);
            }
        }
        assertThat(found).as("lines of %s holding '%s'", source, statement).hasSize(1);
        return found.get(0);
    }
}
