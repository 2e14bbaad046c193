package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.NettyPendingAtExitScenario;
import com.acme.tasks.VertxPendingAtExitScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tasks still queued on a running Netty or Vert.x event loop when the JVM exits are lost tasks, as core's are. */
@DisplayName("Netty and Vert.x loop tasks pending at exit")
class FrameworkPendingTasksIT {

    @Test
    void onNetty41() throws Exception {
        assertNettyTasksLost(ForkedJvm.main(NettyPendingAtExitScenario.class).run("netty41-pending"), "netty 4.1.");
    }

    @Test
    void onNetty42() throws Exception {
        assertNettyTasksLost(ForkedJvm.main(NettyPendingAtExitScenario.class)
                .classPath(ForkedJvm.netty42ClassPath()).run("netty42-pending"), "netty 4.2.");
    }

    @Test
    void onVertx4() throws Exception {
        assertVertxHandlerLost(ForkedJvm.main(VertxPendingAtExitScenario.class).run("vertx4-pending"), "vertx 4.");
    }

    @Test
    void onVertx5() throws Exception {
        assertVertxHandlerLost(ForkedJvm.main(VertxPendingAtExitScenario.class)
                .classPath(ForkedJvm.vertx5ClassPath()).run("vertx5-pending"), "vertx 5.");
    }

    private static void assertNettyTasksLost(ForkedJvm.Result run, String version) throws Exception {
        run.completed();
        assertThat(run.stdout).contains(version);
        JsonNode report = run.report();
        assertThat(run.findingsAt(report, "LOST_TASK", "queuedBehindABusyTask")).as(report.toPrettyString())
                .singleElement().satisfies(f -> {
                    assertThat(f.get("count").asInt()).isEqualTo(2);
                    assertThat(f.get("thread").asText()).isEqualTo("main");
                    assertThat(f.get("reason").asText()).isEqualTo("pending in the event loop at exit");
                    assertThat(f.get("loop").asText()).startsWith("nioEventLoopGroup-");
                    assertThat(f.get("message").asText()).contains("on thread 'main'",
                            "to event loop '" + f.get("loop").asText() + "'", "had not started when the JVM exited");
                });
        assertThat(run.findingsAt(report, "LOST_TASK", "scheduledForLater")).as(report.toPrettyString())
                .singleElement().satisfies(f -> assertThat(f.get("count").asInt()).isEqualTo(1));
        for (String method : List.of("ranBeforeExit", "periodicSchedule", "occupyTheLoop")) {
            assertThat(run.findingsAt(report, "LOST_TASK", method)).as("%s in %s", method, report.toPrettyString())
                    .isEmpty();
        }
        assertOnlyTheApplicationsTasks(report);
    }

    private static void assertVertxHandlerLost(ForkedJvm.Result run, String version) throws Exception {
        run.completed();
        assertThat(run.stdout).contains(version);
        JsonNode report = run.report();
        assertThat(run.findingsAt(report, "LOST_TASK", "handedToABusyContext")).as(report.toPrettyString())
                .singleElement().satisfies(f -> {
                    assertThat(f.get("count").asInt()).isEqualTo(1);
                    assertThat(f.get("thread").asText()).isEqualTo("main");
                    assertThat(f.get("loop").asText()).startsWith("vert.x-eventloop-thread-");
                });
        assertThat(run.findingsAt(report, "LOST_TASK", "ranBeforeExit")).as(report.toPrettyString()).isEmpty();
        assertOnlyTheApplicationsTasks(report);
    }

    /** Nothing the framework queued for itself, with no line of the application's, is reported. */
    private static void assertOnlyTheApplicationsTasks(JsonNode report) throws Exception {
        for (JsonNode f : report.get("findings")) {
            if (f.get("kind").asText().equals("LOST_TASK")) {
                assertThat(f.has("site")).as(f.toPrettyString()).isTrue();
            }
        }
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
