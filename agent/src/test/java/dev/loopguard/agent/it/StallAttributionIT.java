package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.loops.ResubmitChains;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A stall is one task holding its loop. A chain of self-resubmitting tasks of a few nanoseconds each, run for 1.5 s
 * by a loop that never goes idle in between (Netty 4.2 drains its queue for up to a second before it selects again),
 * is many short tasks and no stall; the CPU-bound task of 400 ms that follows on the same loop is one, with its own
 * duration. Before task starts ended busy periods, the chain on Netty 4.2 was reported as a stall of about a second.
 */
@DisplayName("Stall attribution")
class StallAttributionIT {

    @Test
    @DisplayName("a resubmitting chain on a Netty 4.2 MultiThreadIoEventLoopGroup loop is no stall; one long task is")
    void aChainOfShortTasksOnANetty42LoopIsNoStall() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ResubmitChains.class, "netty").classPath(ForkedJvm.netty42ClassPath())
                .agentOptions("tasks=off,stallThreshold=20ms").run("resubmit-chain-netty42").completed();
        assertThat(run.stdout).as(run.toString()).contains("netty 4.2.");
        assertOnlyTheLongTaskStalled(run);
    }

    @Test
    @DisplayName("the same at the default options (task tracking follows every task)")
    void aChainOfShortTasksOnANetty42LoopIsNoStallAtTheDefaultLevel() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ResubmitChains.class, "netty").classPath(ForkedJvm.netty42ClassPath())
                .agentOptions("stallThreshold=20ms").run("resubmit-chain-netty42-default").completed();
        assertOnlyTheLongTaskStalled(run);
    }

    @Test
    @DisplayName("a resubmitting chain on core's EventLoop is no stall; one long task is")
    void aChainOfShortTasksOnCoresEventLoopIsNoStall() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(ResubmitChains.class, "core")
                .agentOptions("tasks=off,stallThreshold=20ms")
                .run("resubmit-chain-core").completed();
        assertOnlyTheLongTaskStalled(run);
    }

    private static void assertOnlyTheLongTaskStalled(ForkedJvm.Result run) throws Exception {
        JsonNode report = run.report();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        List<JsonNode> stalls = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if ("LOOP_STALL".equals(f.get("kind").asText())) {
                stalls.add(f);
            }
        }
        // A low threshold (a 5 ms watchdog tick), at which the chain's tasks taken together were reported as one stall
        // of about a second (Netty's task quantum). On a loaded machine the scheduler may still take the loop's CPU
        // away in the middle of one chain task for tens of milliseconds: that task did hold the loop, and is a stall,
        // but never one of hundreds of milliseconds.
        assertThat(stalls).as(report.toPrettyString())
                .noneSatisfy(stall -> {
                    assertThat(stall.get("site").asText()).contains("$Chain.");
                    assertThat(stall.get("durationMillis").asLong()).isGreaterThanOrEqualTo(300);
                });
        // The long task's site is where its latest sample found it: inside cpuBoundTask, or in the lambda that ran it
        // if the last tick came just as it returned.
        assertThat(stalls).as(report.toPrettyString()).anySatisfy(stall -> {
            assertThat(stall.get("site").asText())
                    .matches("com\\.acme\\.loops\\.ResubmitChains\\.(cpuBoundTask|lambda\\$run\\$\\d+)\\(.*");
            assertThat(stall.get("durationMillis").asLong()).isGreaterThanOrEqualTo(300);
        });
    }
}
