package dev.loopguard.agent.internal.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MonitorContentionDetectorTest {

    private static StackTraceElement frame(String type, String method) {
        return new StackTraceElement(type, method, type.substring(type.lastIndexOf('.') + 1) + ".java", 10);
    }

    @Test
    @DisplayName("does not blame the user for contention on the agent's own locks")
    void agentsOwnLock() {
        StackTraceElement[] insideAgent = {
            frame("dev.loopguard.agent.internal.futures.FutureTable$Stripe", "put"),
            frame("java.util.concurrent.CompletableFuture", "thenApply"),
            frame("com.acme.Pump", "run"),
        };
        StackTraceElement[] userCode = {
            frame("com.acme.Inventory", "reserve"),
            frame("com.acme.Pump", "run"),
        };

        assertThat(MonitorContentionDetector.isAgentsOwnLock(
                "dev.loopguard.agent.internal.futures.FutureTable$Stripe", insideAgent)).isTrue();
        assertThat(MonitorContentionDetector.isAgentsOwnLock("java.lang.Object", insideAgent)).isTrue();
        assertThat(MonitorContentionDetector.isAgentsOwnLock("com.acme.Inventory", userCode)).isFalse();
        assertThat(MonitorContentionDetector.isAgentsOwnLock("com.acme.Inventory", new StackTraceElement[0]))
                .isFalse();
    }
}
