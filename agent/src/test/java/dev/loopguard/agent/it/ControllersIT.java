package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.controllers.GreenhouseScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Controllers on core's runner are profiled into the report and JFR, and findings inside them name them. */
@DisplayName("Controller profiling")
class ControllersIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(GreenhouseScenario.class)
                .agentOptions("stallThreshold=50ms")
                .jvmFlags("-XX:StartFlightRecording=filename=recording.jfr,settings=default")
                .run("controllers").completed();
        report = run.report();
    }

    @Test
    void theProfileHasEachControllersLoopStatistics() throws Exception {
        JsonNode fan = report.get("profile").get("controllers").get("greenhouse-fan");
        assertThat(fan).as(report.get("profile").toPrettyString()).isNotNull();
        assertThat(fan.get("loops").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(fan.get("failures").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(fan.get("slowLoops").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(fan.get("maxMillis").asDouble()).isGreaterThanOrEqualTo(80);
        assertThat(fan.get("p50Millis").asDouble()).isLessThanOrEqualTo(fan.get("p99Millis").asDouble());
        assertThat(fan.get("meanMillis").asDouble()).isPositive();
        assertThat(fan.get("lastError").asText()).startsWith("java.io.IOException: sensor offline at com.acme.");
        assertThat(report.get("profile").get("controllers").get("mixer").get("loops").asLong())
                .isGreaterThanOrEqualTo(3);
        assertThat(ReportSchema.errors(report)).isEmpty();
    }

    @Test
    void findingsInsideAControllerNameIt() {
        List<JsonNode> blocking = run.findingsAt(report, "BLOCKING_CALL", "settle");
        assertThat(blocking).as(report.toPrettyString()).isNotEmpty();
        assertThat(blocking.get(0).get("controller").asText()).isEqualTo("mixer");
        List<JsonNode> ignored = run.findingsAt(report, "IGNORED_FUTURE", "loopAsync");
        assertThat(ignored).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("controller").asText()).isEqualTo("mixer"));
    }

    @Test
    void aStallOfTheLoopThreadInsideAControllerStepNamesTheControllerAndOneOutsideDoesNot() {
        // The site is the latest sample's first application frame: inside fire(), or the kiln's loopAsync at the
        // instant fire() returns; either is the kiln's step.
        List<JsonNode> inKiln = new java.util.ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (f.get("kind").asText().equals("LOOP_STALL")
                    && f.path("site").asText().contains("GreenhouseScenario$Kiln.")) {
                inKiln.add(f);
            }
        }
        assertThat(inKiln).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("controller").asText()).isEqualTo("kiln");
            assertThat(f.get("durationMillis").asLong()).isGreaterThanOrEqualTo(50);
        });
        List<JsonNode> outside = run.findingsAt(report, "LOOP_STALL", "stallOutsideControllers");
        assertThat(outside).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.has("controller")).as(f.toPrettyString()).isFalse());
    }

    @Test
    void failuresTheRunnerRecordedThatNobodyReadAreUnhandledFailures() {
        List<JsonNode> unread = new java.util.ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (f.get("kind").asText().equals("UNHANDLED_FAILURE") && f.has("controller")) {
                unread.add(f);
            }
        }
        assertThat(unread).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("controller").asText()).isEqualTo("greenhouse-fan");
            assertThat(f.get("exception").get("message").asText()).isEqualTo("sensor offline");
            assertThat(f.get("site").asText()).contains("GreenhouseScenario$Fan.loop(GreenhouseScenario.java:");
        });
    }

    @Test
    void eachLoopIsAControllerLoopJfrEvent() throws Exception {
        List<RecordedEvent> loops = RecordingFile.readAllEvents(run.dir.resolve("recording.jfr")).stream()
                .filter(e -> e.getEventType().getName().equals("loopguard.ControllerLoop"))
                .collect(Collectors.toList());
        Set<String> controllers = loops.stream().map(e -> e.getString("controller")).collect(Collectors.toSet());
        assertThat(controllers).contains("greenhouse-fan", "mixer");
        assertThat(loops).anySatisfy(e -> {
            assertThat(e.getBoolean("failed")).isTrue();
            assertThat(e.getString("error")).contains("sensor offline");
        });
    }
}
