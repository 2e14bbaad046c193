package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.startup.EarlyContentionScenario;
import com.acme.startup.FirstTaskStallScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
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

    @Test
    void aContendedSynchronizedBlockAndMethodInTheFirstTaskAreBlockingCallsReportedWhileTheLoopWaits()
            throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(EarlyContentionScenario.class).agentOptions(LOOP_OPTIONS)
                .run("early-contention").completed();
        JsonNode report = run.report();
        for (String method : List.of("enterABlock", "post")) {
            // JFR reports a contended entry only when it is over: a report during the wait is the sampler's.
            assertThat(run.stdout).as(run.toString()).contains(method + " reported while the loop was blocked: true");
            assertThat(run.findingsAt(report, "BLOCKING_CALL", method)).as("%s in %s", method,
                    report.toPrettyString()).singleElement().satisfies(f -> {
                        assertThat(f.get("thread").asText()).isEqualTo("app-eventloop-1");
                        assertThat(f.get("operation").asText())
                                .isEqualTo("synchronized(com.acme.startup.EarlyContentionScenario$Ledger)");
                        assertThat(f.get("count").asInt()).as("reported once, not again by the JFR stream")
                                .isEqualTo(1);
                        assertThat(f.get("message").asText()).startsWith("Contended synchronized block on a "
                                + "com.acme.startup.EarlyContentionScenario$Ledger monitor on event-loop thread "
                                + "'app-eventloop-1' at com.acme.startup.EarlyContentionScenario")
                                .contains("the loop was blocked, waiting for another thread to release it.");
                    });
        }
        assertThat(run.stderr).as(run.toString()).doesNotContainIgnoringCase("jfr");
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
