package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.loops.HandOffsFromNettyLoop;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Handing work off from a Netty loop: waiting a moment for a pool queue's lock is not a blocking call, waiting for
 * room in a full queue is. Each wait is forced by another thread that lets go only once the loop waits.
 */
@DisplayName("Handing work off from a Netty loop")
class HandOffsIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(HandOffsFromNettyLoop.class).run("hand-offs-from-netty-loop").completed();
        report = run.report();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void runAsyncOnAPoolWhoseQueueLockIsHeldIsNotABlockingCall() {
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "runAsyncWhileTheQueueLockIsHeld"))
                .as(report.toPrettyString()).isEmpty();
    }

    @Test
    void executeOnAPoolWhoseQueueLockIsHeldIsNotABlockingCall() {
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "executeWhileTheQueueLockIsHeld"))
                .as(report.toPrettyString()).isEmpty();
    }

    @Test
    void aRejectionHandlerThatWaitsForRoomInAFullQueueIsABlockingCall() {
        List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", "rejectedExecution");
        assertThat(found).as(report.toPrettyString()).hasSize(1);
        assertThat(found.get(0).get("operation").asText()).isEqualTo("java.util.concurrent.ArrayBlockingQueue.put");
        assertThat(found.get(0).get("thread").asText()).startsWith("nioEventLoopGroup-");
    }

    @Test
    void aNettyExecutorThatBacksOffUntilItsFullQueueHasRoomIsABlockingCall() {
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "executeIntoAFullNettyExecutorThatBacksOff"))
                .as(report.toPrettyString())
                .extracting(f -> f.get("operation").asText())
                .contains("io.netty.util.concurrent.SingleThreadEventExecutor.execute");
    }
}
