package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.PendingCheckScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code LoopguardAgent.checkPendingTasks()}: event-loop tasks pending when checked (as at the end of a test) are
 * reported then, once, and not again at exit.
 */
@DisplayName("Event-loop tasks pending when checked")
class PendingCheckIT {
    private static final String SITE = "com\\.acme\\.tasks\\.PendingCheckScenario\\.leftPendingByTheTest"
            + "\\(PendingCheckScenario\\.java:\\d+\\)";

    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(PendingCheckScenario.class).run("pending-check").completed();
        report = run.report();
    }

    @Test
    void theCheckReturnsTheOneShotTaskLeftPendingAndNotThePeriodicOneOrTheOneThatRan() {
        assertThat(run.stdout).as(run.toString()).contains("first check found 1");
        assertThat(run.stdout.lines().filter(l -> l.startsWith("checked: ")))
                .singleElement().asString()
                .matches("checked: pending in the event loop when checked x1 on loop checked at " + SITE);
    }

    @Test
    void theFindingIsRecordedForFindingsListenersAndTheReportOnce() {
        assertThat(run.stdout).as(run.toString()).contains("second check found 0", "findings hold 1 lost task(s)",
                "listener heard 1 lost task(s)");
        List<JsonNode> lost = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("kind").asText().equals("LOST_TASK")) {
                lost.add(f);
            }
        });
        assertThat(lost).as(report.toPrettyString()).singleElement().satisfies(f -> {
            assertThat(f.get("site").asText()).matches(SITE);
            assertThat(f.get("count").asInt()).as("not reported again at exit").isEqualTo(1);
            assertThat(f.get("reason").asText()).isEqualTo("pending in the event loop when checked");
            assertThat(f.get("thread").asText()).isEqualTo("main");
            assertThat(f.get("loop").asText()).isEqualTo("checked");
            String line = f.get("site").asText().replaceAll(".*\\((.*)\\)", "$1");
            assertThat(f.get("message").asText()).contains("submitted at " + line, "on thread 'main'",
                    "event loop 'checked'", "was still pending when pending tasks were checked");
            assertThat(f.get("advice").asText()).contains("join the future", "close()");
        });
    }

    @Test
    void atTasksOffTheCheckReturnsNothingAndReportsNothing() throws Exception {
        ForkedJvm.Result off = ForkedJvm.main(PendingCheckScenario.class).agentOptions("tasks=off")
                .run("pending-check-off");
        assertThat(off.exitCode).as(off.toString()).isZero();
        assertThat(off.stdout).as(off.toString()).contains("first check found 0", "second check found 0",
                "findings hold 0 lost task(s)", "scenario done");
        JsonNode offReport = off.report();
        assertThat(off.findingsAt(offReport, "LOST_TASK", "leftPendingByTheTest")).as(offReport.toPrettyString())
                .isEmpty();
    }

    @Test
    void theReportValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
