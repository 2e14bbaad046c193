package dev.loopguard.agent.internal.vthreads;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.futures.JvmShutdown;
import dev.loopguard.agent.internal.tasks.RuntimeDetectorContext;
import java.time.Duration;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Starts the PINNED_THREAD monitor on JDK 21 and later. It instruments nothing (the JDK itself reports pinning); it
 * is an {@code Instrumenter} so that it starts with the rest of the agent and in the same order.
 */
public final class PinnedThreadInstrumenter implements Instrumenter {

    @Override
    public AgentBuilder contribute(AgentBuilder builder, AgentRuntime runtime) {
        if (PinnedThreadMonitor.supported()) {
            PinnedThreadMonitor monitor = new PinnedThreadMonitor(new RuntimeDetectorContext(runtime));
            monitor.startInBackground();
            runtime.beforeReport(() -> {
                if (JvmShutdown.inProgress()) {
                    monitor.awaitDelivery(Duration.ofMillis(1500)); // JFR delivers in batches, about once a second
                }
            });
        }
        return builder;
    }
}
