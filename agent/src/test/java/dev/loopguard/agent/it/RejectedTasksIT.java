package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.RejectionScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A custom rejection handler that returns without running, re-queueing or refusing a task drops it. */
@DisplayName("Tasks dropped by custom rejection handlers")
class RejectedTasksIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenarios() throws Exception {
        run = ForkedJvm.main(RejectionScenarios.class).run("rejection-handlers").completed();
        report = run.report();
    }

    private static List<JsonNode> lost(String method) {
        return run.findingsAt(report, "LOST_TASK", method);
    }

    @Test
    void aHandlerClassThatDropsASubmittedTaskIsNamedWithTheSubmissionSiteAndThread() {
        assertThat(lost("classHandlerDropsTheTask")).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("reason").asText())
                    .isEqualTo("dropped by rejection handler com.acme.tasks.RejectionScenarios$LoggingDropHandler");
            assertThat(f.get("thread").asText()).isEqualTo("main");
            assertThat(f.get("site").asText()).matches(
                    "com\\.acme\\.tasks\\.RejectionScenarios\\.classHandlerDropsTheTask\\(RejectionScenarios\\.java:\\d+\\)");
            assertThat(f.get("message").asText()).contains("returned without running, re-queueing or refusing",
                    "on thread 'main'", "became unreachable without ever running");
        });
    }

    @Test
    void aLambdaHandlerThatDropsTheTaskIsNamedByTheClassThatWroteIt() {
        assertThat(lost("lambdaHandlerDropsTheTask")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("reason").asText())
                        .isEqualTo("dropped by rejection handler a lambda in com.acme.tasks.RejectionScenarios"));
    }

    @Test
    void handlersThatRunRefuseHandOnOrKeepTheTaskForLaterAreNotFindings() {
        for (String method : List.of("handlerRunsTheTask", "handlerRefusesTheTask", "handlerHandsTheTaskOn",
                "handlerKeepsTheTaskForLater")) {
            assertThat(lost(method)).as("%s in %s", method, report.toPrettyString()).isEmpty();
        }
    }

    @Test
    void theReportValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
