package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.startup.FirstTaskStallScenario;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What happens in a loop's first task, right after start-up, is seen like anything later: a stall in the first task a
 * pool worker runs, and a contended {@code synchronized} before the JFR stream is live.
 */
@DisplayName("The first task of a loop, right after start-up")
class FirstMomentsIT {
    private static final String LOOP_OPTIONS = "eventLoopThreads=app-eventloop-*";

    @Test
    void aStallInTheFirstTaskAPoolWorkerRunsIsALoopStall() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstTaskStallScenario.class).agentOptions(LOOP_OPTIONS)
                .run("first-task-stall").completed();
        JsonNode report = run.report();
        assertThat(run.findingsAt(report, "LOOP_STALL", "crunchOnTheFirstTask")).as(report.toPrettyString())
                .singleElement().satisfies(f -> {
                    assertThat(f.get("thread").asText()).isEqualTo("app-eventloop-1");
                    // 600 ms of work, measured within a tick at each end; the floor leaves room for a loaded machine.
                    assertThat(f.get("durationMillis").asLong()).isGreaterThanOrEqualTo(400);
                });
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
