package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.CorrectApps;
import com.acme.tasks.TaskScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Correct programs on real frameworks find nothing; the part-2 options change what is reported. */
@DisplayName("Task and future rules: correct programs and options")
class TaskOptionsIT {
    private static final Set<String> PART_2_KINDS = Set.of("LOST_TASK", "UNHANDLED_FAILURE", "IGNORED_FUTURE",
            "PINNED_THREAD");

    @Test
    void correctNettyVertxAndReactorProgramsHaveNoFindingsAtDefaultOptions() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(CorrectApps.class).run("correct-apps");
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stdout).as(run.toString()).contains("scenario done");
        JsonNode report = run.report();
        // Part 2's kinds only: blocking calls and stalls are part 1's rules, with their own correct-program tests.
        List<String> part2 = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (PART_2_KINDS.contains(f.get("kind").asText())) {
                part2.add(f.get("kind").asText() + " at " + f.path("site").asText() + ": " + f.get("message").asText());
            }
        }
        assertThat(part2).isEmpty();
        for (JsonNode error : report.get("agentErrors")) {
            assertThat(error.get("detector").asText()).as(error.toString())
                    .isNotIn("futures", "lost-tasks", "controllers", "pinned-threads");
        }
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
