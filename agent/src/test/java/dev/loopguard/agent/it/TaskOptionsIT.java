package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.CorrectApps;
import com.acme.tasks.TaskScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Correct programs on real frameworks find nothing; the task-tracking options ({@code tasks}, {@code ignoredFutures})
 * change what is reported.
 */
@DisplayName("Task and future rules: correct programs and options")
class TaskOptionsIT {
    @Test
    void correctNettyVertxAndReactorProgramsHaveNoFindingsOfAnyKindAndNoAgentErrorsAtDefaultOptions()
            throws Exception {
        // Start-up work on the loops (class loading and initialisation, call-site linking, the frameworks' first
        // allocations and connection set-up), the frameworks' own shutdown on their loops, and optional Netty
        // dependencies that are absent (Log4J2Logger) are all part of this run: none of them is a finding or an error.
        ForkedJvm.Result run = ForkedJvm.main(CorrectApps.class).run("correct-apps").completed();
        JsonNode report = run.report();
        List<String> findings = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            findings.add(f.get("kind").asText() + " at " + f.path("site").asText() + ": " + f.get("message").asText()
                    + "\n  stack: " + f.get("stack"));
        }
        assertThat(findings).as(run.toString()).isEmpty();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        assertThat(run.stderr).as(run.toString()).contains("loopguard: no findings");
        assertThat(ReportSchema.errors(report)).isEmpty();
    }

    @Test
    void strictModeReportsDroppedJdkFuturesAndTrackingOffReportsOnlyWhatNeedsNoTracking() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(TaskScenarios.class)
                .agentOptions("ignoredFutures=strict,tasks=off")
                .jvmFlags("-Dcom.acme.tasks.noLostTaskWait=true")
                .run("task-scenarios-strict-off");
        assertThat(run.exitCode).as(run.toString()).isZero();
        JsonNode report = run.report();

        assertThat(run.findingsAt(report, "IGNORED_FUTURE", "droppedJdkFuture")).singleElement()
                .satisfies(f -> assertThat(f.get("message").asText()).contains("ignoredFutures=strict"));
        assertThat(run.findingsAt(report, "IGNORED_FUTURE", "droppedMono")).hasSize(1);
        assertThat(run.findingsAt(report, "IGNORED_FUTURE", "droppedFireAndForget")).isEmpty();
        // with tracking off, futures are not followed: their failures and losses are not reported...
        assertThat(run.findingsAt(report, "UNHANDLED_FAILURE", "unobservedFailure")).isEmpty();
        assertThat(run.findingsAt(report, "LOST_TASK", "abandonedPendingFuture")).isEmpty();
        // ...while what executors and threads hand back still is
        assertThat(run.findingsAt(report, "LOST_TASK", "discardPolicy")).hasSize(1);
        assertThat(run.findingsAt(report, "UNHANDLED_FAILURE", "threadBody")).hasSize(1);
        assertThat(report.get("options").get("tasks").asText()).isEqualTo("off");
    }

    @Test
    void aMalformedTasksOptionStopsTheJvmNamingTheOption() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(CorrectApps.class).agentOptions("tasks=most").run("tasks-malformed");
        assertThat(run.exitCode).as(run.toString()).isNotZero();
        assertThat(run.stderr).contains("tasks", "most", "off|sampled|full");
    }
}
