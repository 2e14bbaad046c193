package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.ExecuteRejectionScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A plain task passed to {@code execute} and dropped by a custom rejection handler whose code never keeps it is a
 * LOST_TASK at once, whether the handler is a class, a lambda or a method reference; handlers whose code may keep
 * the task are not judged.
 */
@DisplayName("Plain tasks dropped by custom rejection handlers")
class ExecuteRejectionIT {
    private static final String SCENARIOS = "com.acme.tasks.ExecuteRejectionScenarios";

    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenarios() throws Exception {
        run = ForkedJvm.main(ExecuteRejectionScenarios.class).run("execute-rejection").completed();
        report = run.report();
    }

    private static List<JsonNode> lost(String method) {
        return run.findingsAt(report, "LOST_TASK", method);
    }

    @Test
    void aNamedHandlerThatOnlyLogsTheTaskThroughSystemLoggerDropsItAndIsReportedAtTheExecuteCall() {
        assertThat(lost("systemLoggerHandlerDropsTheTask")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> {
                    assertThat(f.get("reason").asText())
                            .isEqualTo("dropped by rejection handler " + SCENARIOS + "$SystemLoggerDropHandler");
                    assertThat(f.get("thread").asText()).isEqualTo("main");
                    assertThat(f.get("site").asText()).matches("com\\.acme\\.tasks\\.ExecuteRejectionScenarios"
                            + "\\.systemLoggerHandlerDropsTheTask\\(ExecuteRejectionScenarios\\.java:\\d+\\)");
                    assertThat(f.get("createdAt").asText()).isEqualTo(f.get("site").asText());
                    assertThat(f.get("count").asInt()).isEqualTo(1);
                    String line = f.get("site").asText().replaceAll(".*\\((.*)\\)", "$1");
                    assertThat(f.get("message").asText()).contains(
                            "The rejection handler " + SCENARIOS + "$SystemLoggerDropHandler of "
                                    + "java.util.concurrent.ThreadPoolExecutor@",
                            "dropped a task", "submitted at " + line, "on thread 'main'",
                            "never runs the task, re-queues it or hands it on", "will never run");
                    assertThat(f.get("advice").asText()).contains("throw a RejectedExecutionException",
                            "CallerRunsPolicy", "getQueue().offer(task, timeout, unit)");
                });
    }

    @Test
    void aHandlerLoggingTheTaskThroughJulInAParameterArrayDropsIt() {
        assertThat(lost("julHandlerDropsTheTask")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("reason").asText())
                        .isEqualTo("dropped by rejection handler " + SCENARIOS + "$JulDropHandler"));
    }

    @Test
    void anAnonymousHandlerThatCountsAndDropsIsNamedByItsClass() {
        assertThat(lost("anonymousHandlerCountsAndDrops")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("reason").asText())
                        .matches("dropped by rejection handler com\\.acme\\.tasks\\.ExecuteRejectionScenarios\\$\\d+"));
    }

    @Test
    void aSubclassThatInheritsADroppingHandlerDropsToo() {
        assertThat(lost("inheritedHandlerDropsTheTask")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("reason").asText())
                        .isEqualTo("dropped by rejection handler " + SCENARIOS + "$QuietDropHandler"));
    }

    @Test
    void discardPolicyKeepsItsOwnRuleAndIsNotReportedTwice() {
        assertThat(lost("discardPolicyDropsTheTask")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> {
                    assertThat(f.get("reason").asText()).isEqualTo("discarded by ThreadPoolExecutor.DiscardPolicy");
                    assertThat(f.get("count").asInt()).isEqualTo(1);
                });
    }

    @Test
    void lambdaAndMethodReferenceHandlersThatDropTheTaskAreJudgedByTheCodeBehindThem() {
        for (String method : List.of("lambdaHandlerDropsTheTask", "capturingLambdaHandlerDropsTheTask",
                "methodReferenceHandlerDropsTheTask")) {
            assertThat(lost(method)).as("%s in %s", method, report.toPrettyString()).singleElement()
                    .satisfies(f -> {
                        assertThat(f.get("reason").asText())
                                .isEqualTo("dropped by rejection handler a lambda in " + SCENARIOS);
                        assertThat(f.get("thread").asText()).isEqualTo("main");
                        assertThat(f.get("count").asInt()).isEqualTo(1);
                        assertThat(f.get("message").asText()).contains("dropped a task", "will never run");
                    });
        }
    }

    @Test
    void handlersWhoseCodeMayKeepTheTaskAreNotFindings() {
        for (String method : List.of("handlerRunsTheTask", "handlerRequeuesTheTask", "handlerHandsTheTaskOn",
                "handlerKeepsTheTaskInABacklog", "handlerLogsThenRequeuesTheTask", "lambdaHandlerKeepsTheTask")) {
            assertThat(lost(method)).as("%s in %s", method, report.toPrettyString()).isEmpty();
        }
    }

    @Test
    void theAnalysisCausedNoAgentError() {
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void atTasksOffCustomHandlersAreNotJudgedWhileTheJdkPoliciesStillAre() throws Exception {
        ForkedJvm.Result off = ForkedJvm.main(ExecuteRejectionScenarios.class).agentOptions("tasks=off")
                .run("execute-rejection-off");
        assertThat(off.exitCode).as(off.toString()).isZero();
        JsonNode offReport = off.report();
        for (String method : List.of("systemLoggerHandlerDropsTheTask", "julHandlerDropsTheTask",
                "anonymousHandlerCountsAndDrops", "inheritedHandlerDropsTheTask", "lambdaHandlerDropsTheTask")) {
            assertThat(off.findingsAt(offReport, "LOST_TASK", method)).as("%s in %s", method,
                    offReport.toPrettyString()).isEmpty();
        }
        assertThat(off.findingsAt(offReport, "LOST_TASK", "discardPolicyDropsTheTask")).singleElement()
                .satisfies(f -> assertThat(f.get("reason").asText())
                        .isEqualTo("discarded by ThreadPoolExecutor.DiscardPolicy"));
        assertThat(ReportSchema.errors(offReport)).isEmpty();
    }

    @Test
    void theReportValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
