package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.ComposedFailureScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code thenCompose} whose function returns a future that already failed, or a {@code runAsync} that fails on a
 * worker pool: handled by {@code exceptionally}, nothing is reported; dropped, the one failure is reported once, at
 * the composed stage, in every one of {@link ComposedFailureScenarios#ROUNDS} rounds, at both tracking levels that
 * track futures.
 */
@DisplayName("A failure that thenCompose takes over from its inner future")
class ComposedFailuresIT {

    abstract static class Level {
        ForkedJvm.Result run;
        JsonNode report;

        abstract String options();

        @BeforeAll
        void runScenario() throws Exception {
            ForkedJvm fork = ForkedJvm.main(ComposedFailureScenarios.class);
            if (!options().isEmpty()) {
                fork = fork.agentOptions(options());
            }
            run = fork.run("composed-failures-" + getClass().getSimpleName()).completed();
            report = run.report();
            assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        }

        private List<JsonNode> unhandledAt(String method) {
            return run.findingsAt(report, "UNHANDLED_FAILURE", method);
        }

        @Test
        void aFailedInnerFutureRecoveredByExceptionallyIsNotReported() {
            assertThat(unhandledAt("rejectStaleRecovered")).as(report.toPrettyString()).isEmpty();
            assertThat(unhandledAt("failedFutureRecovered")).as(report.toPrettyString()).isEmpty();
        }

        @Test
        void aFailingRunAsyncRecoveredByExceptionallyIsNotReported() {
            assertThat(unhandledAt("refreshRecovered")).as(report.toPrettyString()).isEmpty();
            assertThat(unhandledAt("runAsyncRecovered")).as(report.toPrettyString()).isEmpty();
        }

        @Test
        void aDroppedChainOverAFailedInnerFutureIsReportedOncePerFailureAtTheComposedStage() {
            assertThat(unhandledAt("rejectStaleDropped")).as(report.toPrettyString()).isEmpty();
            List<JsonNode> leaf = unhandledAt("failedFutureDropped");
            assertThat(leaf).as(report.toPrettyString()).hasSize(1);
            assertThat(leaf.get(0).get("count").asInt()).as(leaf.get(0).toPrettyString())
                    .isEqualTo(ComposedFailureScenarios.ROUNDS);
            assertThat(leaf.get(0).get("message").asText()).contains("CompletableFuture.thenCompose");
            assertThat(leaf.get(0).get("exception").get("message").asText()).isEqualTo("stale order-3");
        }

        @Test
        void aDroppedChainOverAFailingRunAsyncIsReportedOncePerFailureAtTheComposedStage() {
            assertThat(unhandledAt("refreshDropped")).as(report.toPrettyString()).isEmpty();
            List<JsonNode> leaf = unhandledAt("runAsyncDropped");
            assertThat(leaf).as(report.toPrettyString()).hasSize(1);
            assertThat(leaf.get(0).get("count").asInt()).as(leaf.get(0).toPrettyString())
                    .isEqualTo(ComposedFailureScenarios.ROUNDS);
            assertThat(leaf.get(0).get("message").asText()).contains("CompletableFuture.thenCompose");
            assertThat(leaf.get(0).get("exception").get("message").asText()).isEqualTo("refresh failed");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("at tasks=sampled (the default)")
    class Sampled extends Level {
        @Override
        String options() {
            return "";
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("at tasks=full")
    class Full extends Level {
        @Override
        String options() {
            return "tasks=full";
        }
    }
}
