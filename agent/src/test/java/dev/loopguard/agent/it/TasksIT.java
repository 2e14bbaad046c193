package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.TaskScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One forked JVM with the agent at its default options runs every task and future scenario of
 * {@link TaskScenarios}; each test checks one rule in the report it wrote at exit.
 */
@DisplayName("Lost tasks, unhandled failures and ignored futures")
class TasksIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenarios() throws Exception {
        run = ForkedJvm.main(TaskScenarios.class)
                .jvmFlags("-XX:StartFlightRecording=filename=recording.jfr,settings=default")
                .run("task-scenarios").completed();
        report = run.report();
    }

    private static JsonNode only(String kind, String method) {
        List<JsonNode> found = run.findingsAt(report, kind, method);
        assertThat(found).as("%s findings at %s in\n%s", kind, method, report.toPrettyString()).hasSize(1);
        return found.get(0);
    }

    private static void none(String method) {
        List<JsonNode> found = List.of("LOST_TASK", "UNHANDLED_FAILURE", "IGNORED_FUTURE").stream()
                .flatMap(kind -> run.findingsAt(report, kind, method).stream())
                .collect(Collectors.toList());
        assertThat(found).as("findings at %s", method).isEmpty();
    }

    @Test
    void theReportValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
    }

    @Test
    void aDroppedMonoIsAnIgnoredFutureWhoseWorkNeverRan() {
        JsonNode f = only("IGNORED_FUTURE", "droppedMono");
        assertThat(f.get("operation").asText()).isEqualTo("com.acme.tasks.Repository.save");
        assertThat(f.get("returnType").asText()).isEqualTo("reactor.core.publisher.Mono");
        assertThat(f.get("message").asText()).contains("nothing subscribes to it", "never runs");
        assertThat(f.get("site").asText()).matches("com\\.acme\\.tasks\\.TaskScenarios\\.droppedMono\\(TaskScenarios\\.java:\\d+\\)");
        assertThat(f.get("thread").asText()).isEqualTo("main");
    }

    @Test
    void aDroppedFutureOfAnApplicationMethodIsAnIgnoredFuture() {
        JsonNode f = only("IGNORED_FUTURE", "droppedApplicationFuture");
        assertThat(f.get("returnType").asText()).isEqualTo("java.util.concurrent.CompletableFuture");
        assertThat(f.get("advice").asText()).contains("exceptionally");
    }

    @Test
    void droppedJdkFuturesAndFireAndForgetMethodsAreNotFindingsByDefault() {
        none("droppedJdkFuture");
        none("droppedFireAndForget");
    }

    @Test
    void anUnobservedFailureIsReportedAtExitWithWhereTheFutureWasCreatedAndDropped() {
        JsonNode f = only("UNHANDLED_FAILURE", "unobservedFailure");
        assertThat(f.get("exception").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(f.get("exception").get("message").asText()).isEqualTo("unobserved");
        assertThat(f.get("createdAt").asText()).contains("TaskScenarios.unobservedFailure(TaskScenarios.java:");
        assertThat(f.get("discardedAt").asText()).isEqualTo(f.get("createdAt").asText());
        assertThat(f.get("message").asText()).contains("returned by supplyAsync at TaskScenarios.java:", "was dropped");
    }

    @Test
    void onlyTheLeafOfAFailedChainIsReported() {
        JsonNode f = only("UNHANDLED_FAILURE", "chainLeaf");
        assertThat(f.get("message").asText()).contains("CompletableFuture.thenApply");
    }

    @Test
    void failuresRecoveredInTheChainObservedLaterOrWhileWaitingOrCausedByATimeoutAreNotFindings() {
        none("recoveredInTheChain");
        none("loggedWithWhenComplete");
        none("failedAndJoinedLater");
        none("joinedWhilePending");
        none("timedOut");
    }

    @Test
    void aDroppedSubmitWhoseTaskThrowsIsAnUnhandledFailure() {
        JsonNode f = only("UNHANDLED_FAILURE", "droppedSubmitThatThrows");
        assertThat(f.get("exception").get("message").asText()).isEqualTo("submitted task failed");
        assertThat(f.get("message").asText()).contains("FutureTask keeps the exception to itself");
    }

    @Test
    void tasksDroppedByRejectionPoliciesAreLostTasks() {
        assertThat(only("LOST_TASK", "discardPolicy").get("reason").asText())
                .isEqualTo("discarded by ThreadPoolExecutor.DiscardPolicy");
        assertThat(only("LOST_TASK", "discardOldestPolicy").get("reason").asText())
                .isEqualTo("evicted by ThreadPoolExecutor.DiscardOldestPolicy");
    }

    @Test
    void aShutdownNowListThatIsDroppedIsALostTask() {
        JsonNode f = only("LOST_TASK", "shutdownNowDropped");
        assertThat(f.get("message").asText()).contains("returned 1 task(s) that never ran");
    }

    @Test
    void tasksAnEventLoopCancelledAtCloseWithoutAHandlerAreLostTasksButPeriodicOnesAndHandledOnesAreNot() {
        JsonNode f = only("LOST_TASK", "eventLoopClosedWithUnrunTasks");
        assertThat(f.get("loop").asText()).isEqualTo("reminders");
        assertThat(f.get("message").asText()).contains("with 1 queued task(s) that never ran");
        none("eventLoopClosedWithAHandler");
    }

    @Test
    void aThreadDyingOfAnExceptionWithoutAHandlerIsAnUnhandledFailure() {
        JsonNode f = only("UNHANDLED_FAILURE", "threadBody");
        assertThat(f.get("thread").asText()).isEqualTo("acme-worker");
        assertThat(f.get("exception").get("message").asText()).isEqualTo("worker died");
    }

    @Test
    void aPendingFutureWithACallbackThatBecameUnreachableIsALostTask() {
        JsonNode f = only("LOST_TASK", "abandonedPendingFuture");
        assertThat(f.get("reason").asText()).isEqualTo("unreachable while pending with waiting callbacks");
    }

    @Test
    void everyFindingIsAlsoAJfrEvent() throws Exception {
        List<RecordedEvent> events = RecordingFile.readAllEvents(run.dir.resolve("recording.jfr"));
        Set<String> names = events.stream().map(e -> e.getEventType().getName())
                .filter(n -> n.startsWith("loopguard.")).collect(Collectors.toSet());
        assertThat(names).contains("loopguard.LostTask", "loopguard.UnhandledFailure", "loopguard.IgnoredFuture");
    }
}
