package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.FailingWorkerScenario;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unhandled failure names the thread that failed, not the one that noticed, and its exception's stack has the
 * same frame form as the finding's stack.
 */
@DisplayName("The thread and stack of an unhandled failure")
class FailureThreadIT {

    @ParameterizedTest(name = "tasks={0}")
    @ValueSource(strings = {"sampled", "full"})
    void aSupplyAsyncThatFailsOnAPoolWorkerIsReportedOnThatWorker(String tasks) throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FailingWorkerScenario.class).agentOptions("tasks=" + tasks)
                .run("failure-thread-" + tasks).completed();
        JsonNode report = run.report();
        assertThat(run.findingsAt(report, "UNHANDLED_FAILURE", "failOnAWorker")).as(report.toPrettyString())
                .singleElement().satisfies(f -> {
                    assertThat(f.get("thread").asText()).startsWith("ForkJoinPool-").contains("-worker-");
                    assertThat(f.get("message").asText()).contains("on thread '" + f.get("thread").asText() + "'");
                    assertThat(f.get("exception").get("message").asText()).isEqualTo("gauge offline");
                    // The failure passed through JDK frames (CompletableFuture$AsyncSupply.run), which
                    // StackTraceElement's own toString prefixes with "java.base/"; the report shows one form.
                    assertThat(f.get("exception").get("stack").toString())
                            .contains("\"java.util.concurrent.CompletableFuture$AsyncSupply.run(")
                            .doesNotContain("java.base/");
                    assertThat(f.get("stack").toString())
                            .contains("\"java.util.concurrent.CompletableFuture$AsyncSupply.run(");
                });
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
