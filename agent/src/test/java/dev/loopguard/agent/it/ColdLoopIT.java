package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.loops.ColdNettyHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The first requests through a Netty handler on a cold loop, at a low {@code stallThreshold}: the agent starts its
 * own JFR-based work when the first loop appears, at the moment those requests arrive, and that must not turn them
 * into a stall; a genuine stall in the same cold handler is still one.
 */
@DisplayName("A cold Netty loop under the agent")
class ColdLoopIT {

    private static List<JsonNode> stalls(ForkedJvm.Result run) throws Exception {
        JsonNode report = run.report();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        List<JsonNode> stalls = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if ("LOOP_STALL".equals(f.get("kind").asText())) {
                stalls.add(f);
            }
        }
        return stalls;
    }

    @Test
    void aColdHandlerDoingAboutFortyMillisecondsOfRealWorkIsNoStall() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ColdNettyHandler.class).agentOptions("stallThreshold=100ms")
                .run("cold-handler-work").completed();
        assertThat(stalls(run)).as(run.toString()).isEmpty();
    }

    @Test
    void aColdHandlerThatSpinsForThreeHundredMillisecondsIsAStall() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ColdNettyHandler.class, "spin").agentOptions("stallThreshold=100ms")
                .run("cold-handler-spin").completed();
        List<JsonNode> stalls = stalls(run);
        assertThat(stalls).as(run.toString()).hasSize(1);
        assertThat(stalls.get(0).get("site").asText()).startsWith("com.acme.loops.ColdNettyHandler");
        assertThat(stalls.get(0).get("thread").asText()).startsWith("nioEventLoopGroup-");
        assertThat(stalls.get(0).get("durationMillis").asLong()).isGreaterThanOrEqualTo(300);
    }
}
