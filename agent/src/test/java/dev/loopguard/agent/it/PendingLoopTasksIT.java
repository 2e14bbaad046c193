package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.PendingAtExitScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One-shot tasks of a core EventLoop that had not started when the JVM exited are lost tasks. */
@DisplayName("Event-loop tasks pending at exit")
class PendingLoopTasksIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(PendingAtExitScenario.class).run("pending-at-exit").completed();
        report = run.report();
    }

    private static List<JsonNode> lost(String method) {
        return run.findingsAt(report, "LOST_TASK", method);
    }

    @Test
    void aOneShotScheduleThatNeverCameDueNamesTheSiteTheThreadAndTheLoop() {
        assertThat(lost("reminderScheduledForLater")).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("thread").asText()).isEqualTo("acme-scheduler");
            assertThat(f.get("loop").asText()).isEqualTo("outbox");
            assertThat(f.get("reason").asText()).isEqualTo("pending in the event loop at exit");
            assertThat(f.get("site").asText()).matches(
                    "com\\.acme\\.tasks\\.PendingAtExitScenario\\.reminderScheduledForLater\\(PendingAtExitScenario\\.java:\\d+\\)");
            assertThat(f.get("message").asText()).contains("on thread 'acme-scheduler'", "event loop 'outbox'",
                    "had not started when the JVM exited");
        });
    }

    @Test
    void tasksQueuedBehindABusyTaskAreCountedPerSite() {
        assertThat(lost("submittedBehindABusyTask")).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("count").asInt()).isEqualTo(2);
            assertThat(f.get("thread").asText()).isEqualTo("main");
        });
    }

    @Test
    void anAsynchronousStageWaitingInTheLoopNamesTheLineThatCreatedTheStage() {
        // The loop got the stage's task when main completed its source; the site is the thenApplyAsync call, known
        // from the call site's constant rather than from a stack captured per task.
        assertThat(lost("asyncStageBehindABusyTask")).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("count").asInt()).isEqualTo(1);
            assertThat(f.get("thread").asText()).isEqualTo("main");
            assertThat(f.get("site").asText()).matches("com\\.acme\\.tasks\\.PendingAtExitScenario"
                    + "\\.asyncStageBehindABusyTask\\(PendingAtExitScenario\\.java:\\d+\\)");
        });
    }

    @Test
    void aStageChainedAtOnceIsNamedByItsExpressionNotByTheLineThatCompletedItsSource() {
        // Tracking leaves the thenApplyAsync stage alone (the handle stage chained onto it is tracked instead); the
        // task is named by the handle stage's site, in the same expression.
        assertThat(lost("chainedStageBehindABusyTask")).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("count").asInt()).isEqualTo(1);
            assertThat(f.get("site").asText()).matches("com\\.acme\\.tasks\\.PendingAtExitScenario"
                    + "\\.chainedStageBehindABusyTask\\(PendingAtExitScenario\\.java:\\d+\\)");
        });
    }

    @Test
    void tasksThatRanOrStartedPeriodicCancelledOrHandedBackAtCloseAreNotFindings() {
        for (String method : List.of("ranBeforeExit", "occupyTheLoop", "periodicSchedule", "cancelledSchedule",
                "closedWithAHandler")) {
            assertThat(lost(method)).as("%s in %s", method, report.toPrettyString()).isEmpty();
        }
    }

    @Test
    void atTasksOffTheLoopsSubmitPathIsNotFollowed() throws Exception {
        ForkedJvm.Result off = ForkedJvm.main(PendingAtExitScenario.class).agentOptions("tasks=off")
                .run("pending-at-exit-off");
        assertThat(off.exitCode).as(off.toString()).isZero();
        JsonNode offReport = off.report();
        assertThat(off.findingsAt(offReport, "LOST_TASK", "reminderScheduledForLater"))
                .as(offReport.toPrettyString()).isEmpty();
        assertThat(off.findingsAt(offReport, "LOST_TASK", "submittedBehindABusyTask")).isEmpty();
    }

    @Test
    void theReportValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
