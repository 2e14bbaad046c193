package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.controllers.StoppedControllersScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Core's runner cancelling the iteration of a controller it stops is not a failure, as the runner itself counts it. */
@DisplayName("Controllers stopped by the runner")
class StoppedControllersIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(StoppedControllersScenario.class).run("stopped-controllers").completed();
        report = run.report();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"climate", "irrigation"})
    void theCancelledIterationIsNoUnhandledFailureAndTheProfileCountsWhatTheHealthCheckCounts(String controller) {
        for (JsonNode f : report.get("findings")) {
            assertThat(f.get("kind").asText().equals("UNHANDLED_FAILURE") && controller.equals(f.path("controller")
                    .asText())).as("no unhandled failure for %s after its health was read:\n%s", controller,
                    f.toPrettyString()).isFalse();
        }
        Matcher health = Pattern.compile("health " + controller + " failures (\\d+)").matcher(run.stdout);
        assertThat(health.find()).as(run.toString()).isTrue();
        JsonNode profile = report.get("profile").get("controllers").get(controller);
        assertThat(profile).as(report.get("profile").toPrettyString()).isNotNull();
        assertThat(health.group(1)).isEqualTo("2");
        assertThat(profile.get("failures").asLong()).as(profile.toPrettyString()).isEqualTo(2);
        assertThat(profile.get("lastError").asText()).startsWith("java.io.IOException: humidity sensor offline");
        assertThat(profile.get("loops").asLong()).as(profile.toPrettyString()).isEqualTo(3);
    }
}
