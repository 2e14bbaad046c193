package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.ScopeScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code LoopguardAgent.openScope}: a finding is charged to the scope whose work caused it, wherever and whenever it
 * is found; findings of two scopes are never merged; a pending-task check inside a scope checks that scope only.
 */
@DisplayName("Findings charged to the scope that created the work")
class ScopesIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(ScopeScenario.class).run("scopes").completed();
        report = run.report();
    }

    private static List<JsonNode> findings(String kind, String siteMethod) {
        List<JsonNode> out = new ArrayList<>();
        report.get("findings").forEach(f -> {
            if (f.get("kind").asText().equals(kind) && f.path("site").asText().contains(siteMethod)) {
                out.add(f);
            }
        });
        return out;
    }

    @Test
    void anUnobservedFailureFoundWhileTheNextScopeRunsIsChargedToTheScopeThatCreatedTheFuture() {
        assertThat(findings("UNHANDLED_FAILURE", ".failsUnobservedOnTheLoop(")).as(report.toPrettyString())
                .filteredOn(f -> !f.get("test").asText().equals("ScopeScenario.settles()"))
                .singleElement().satisfies(f -> assertThat(f.get("test").asText()).isEqualTo("ScopeScenario.first()"));
        assertThat(run.stdout).as(run.toString()).contains("second() saw 0 finding(s)");
    }

    @Test
    void aBlockingCallInALoopTaskIsChargedToTheScopeThatQueuedItAndTwoScopesAreNeverMerged() {
        List<JsonNode> blocking = findings("BLOCKING_CALL", ".lambda$blocksOnTheLoop$");
        assertThat(blocking).as(report.toPrettyString()).extracting(f -> f.path("test").asText("(none)"))
                .containsExactlyInAnyOrder("ScopeScenario.parallelA()",
                        "ScopeScenario.parallelB()", "(none)");
        assertThat(blocking).allSatisfy(f -> assertThat(f.get("count").asInt()).isEqualTo(1));
    }

    @Test
    void theAgentHadNoInternalErrorAddingPatternsAtRunTimeIncluded() {
        assertThat(report.get("agentErrors")).as(run.stderr).isEmpty();
        assertThat(run.stderr).doesNotContain("internal error").doesNotContain("ASSERTION FAILED");
    }

    @Test
    void aRepeatAtAKnownStackIsCountedForTheScopeItHappensIn() {
        List<JsonNode> repeats = findings("BLOCKING_CALL", ".lambda$blocksAgainOnTheLoop$");
        assertThat(repeats).as(report.toPrettyString())
                .extracting(f -> f.path("test").asText("(none)") + " x" + f.get("count").asInt())
                .containsExactlyInAnyOrder("(none) x1", "ScopeScenario.repeatsA() x2", "ScopeScenario.repeatsB() x2");
    }

    @Test
    void aStallRecordedAfterItsScopeClosedIsChargedToTheScopeTheLoopWorkedForDuringTheStall() {
        assertThat(findings("LOOP_STALL", ".lambda$stallsTheLoop$")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("test").asText()).isEqualTo("ScopeScenario.stalls()"));
    }

    @Test
    void settlingJudgesTheScopesUnreachableFuturesBeforeItReturnsAndLeavesReachableOnesPending() {
        // Left: the kept future and the stage chained on it, both reachable from the scenario's frame.
        assertThat(run.stdout).as(run.toString())
                .contains("settles() saw 1 finding(s), 2 record(s) left, kept future done: false");
        assertThat(findings("UNHANDLED_FAILURE", ".failsUnobservedOnTheLoop(")).as(report.toPrettyString())
                .extracting(f -> f.get("test").asText())
                .containsExactlyInAnyOrder("ScopeScenario.first()", "ScopeScenario.settles()");
    }

    @Test
    void aLoopTaskThatRunsAfterItsScopeClosedIsChargedToThatScopeNotToTheOneRunning() {
        assertThat(findings("BLOCKING_CALL", ".lambda$runsLate$")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> assertThat(f.get("test").asText()).isEqualTo("ScopeScenario.queuesWorkThatRunsLate()"));
    }

    @Test
    void eventLoopThreadPatternsAddedAtRunTimeMakeLaterThreadsLoops() {
        assertThat(findings("BLOCKING_CALL", ".sleepsOnANamedLoop(")).as(report.toPrettyString()).singleElement()
                .satisfies(f -> {
                    assertThat(f.get("thread").asText()).isEqualTo("legacy-io-1");
                    assertThat(f.get("test").asText()).isEqualTo("ScopeScenario.namesItsLoopThreads()");
                });
        assertThat(run.stdout).contains("refused: loopguard eventLoopThreads pattern 'a,b' is malformed: expected one "
                + "thread-name pattern such as 'worker-*' (no commas: pass several patterns as several arguments)");
    }

    @Test
    void aPendingTaskCheckInsideAScopeReportsOnlyThatScopesTasks() {
        assertThat(run.stdout).as(run.toString())
                .contains("ScopeScenario.parallelA() checked 1 pending task(s) of [ScopeScenario.parallelA()]",
                        "ScopeScenario.parallelB() checked 1 pending task(s) of [ScopeScenario.parallelB()]");
    }

    @Test
    void theReportWithTestFieldsValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
