package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.loops.LockUnderLoadScenario;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Detection of a contended {@code ReentrantLock.lock} does not depend on load: it happens on the loop thread, at the
 * moment it parks, with no timing condition. The scenario makes every contention certain and keeps every core busy.
 */
@DisplayName("A contended lock on a loop, on a busy machine")
class LockUnderLoadIT {

    @Test
    void everyContendedLockIsReportedWhileEveryCoreIsBusy() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(LockUnderLoadScenario.class)
                .agentOptions("eventLoopThreads=app-eventloop-*").run("lock-under-load").completed();
        JsonNode report = run.report();
        assertThat(run.findingsAt(report, "BLOCKING_CALL", "takeTheLock")).as(report.toPrettyString())
                .singleElement().satisfies(f -> {
                    assertThat(f.get("operation").asText()).isEqualTo("java.util.concurrent.locks.ReentrantLock.lock");
                    assertThat(f.get("thread").asText()).isEqualTo("app-eventloop-1");
                    // One occurrence per park: a lock() woken before it could take the lock parks again, so the
                    // count may exceed the rounds, never fall short of them.
                    assertThat(f.get("count").asInt()).isGreaterThanOrEqualTo(LockUnderLoadScenario.ROUNDS);
                });
    }
}
