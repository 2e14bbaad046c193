package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.EarlyCompletableFutureLoader;
import com.acme.tasks.RecordFieldProbe;
import com.acme.tasks.TaskScenarios;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The record field the agent adds to {@code CompletableFuture} when the class loads after the agent, and the table keyed by
 * identity hash it falls back to when the class was loaded before it: the same findings either way.
 */
@DisplayName("Tracked futures found through their own field, or by identity hash")
class RecordFieldIT {

    private static final String EARLY_LOADER = "-Djava.system.class.loader=" + EarlyCompletableFutureLoader.class.getName();

    @Test
    void withTrackingOnCompletableFutureGetsOneSyntheticFieldAndWithTrackingOffNone() throws Exception {
        for (String level : List.of("sampled", "full")) {
            ForkedJvm.Result run = ForkedJvm.main(RecordFieldProbe.class).agentOptions("tasks=" + level)
                    .run("record-field-" + level).completed();
            assertThat(run.stdout).as(run.toString())
                    .contains("synthetic fields: [private transient java.lang.Object loopguard$record]");
            assertThat(run.report().get("agentErrors")).isEmpty();
        }
        ForkedJvm.Result off = ForkedJvm.main(RecordFieldProbe.class).agentOptions("tasks=off")
                .run("record-field-off").completed();
        assertThat(off.stdout).as(off.toString()).contains("synthetic fields: []");
    }

    @Test
    void whenCompletableFutureWasLoadedBeforeTheAgentItStaysUnchangedAndTheFindingsAreTheSame() throws Exception {
        ForkedJvm.Result probe = ForkedJvm.main(RecordFieldProbe.class).agentOptions("tasks=full")
                .jvmFlags(EARLY_LOADER).run("record-field-early").completed();
        assertThat(probe.stdout).as(probe.toString()).contains("synthetic fields: []");

        ForkedJvm.Result withField = ForkedJvm.main(TaskScenarios.class).agentOptions("tasks=full")
                .run("task-scenarios-record-field").completed();
        ForkedJvm.Result hashed = ForkedJvm.main(TaskScenarios.class).agentOptions("tasks=full")
                .jvmFlags(EARLY_LOADER).run("task-scenarios-hashed").completed();
        List<String> expected = kindsAndSites(withField.report());
        assertThat(expected).as("the scenarios' future findings, to compare")
                .anyMatch(f -> f.startsWith("UNHANDLED_FAILURE") && f.contains(".unobservedFailure("))
                .anyMatch(f -> f.startsWith("LOST_TASK") && f.contains(".abandonedPendingFuture("));
        assertThat(kindsAndSites(hashed.report())).as(hashed.toString()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(hashed.report().get("agentErrors")).isEmpty();
        assertThat(ReportSchema.errors(hashed.report())).isEmpty();
    }

    private static List<String> kindsAndSites(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            out.add(f.get("kind").asText() + " at " + f.path("site").asText());
        }
        return out;
    }
}
