package dev.loopguard.agent.internal.vthreads;

import dev.loopguard.agent.bootstrap.VirtualThreadBridge;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.JvmShutdown;
import dev.loopguard.agent.internal.RuntimeDetectorContext;
import dev.loopguard.agent.internal.weaving.BridgeCall;
import dev.loopguard.agent.internal.weaving.Hook;
import dev.loopguard.agent.internal.weaving.MethodFilter;
import dev.loopguard.agent.internal.weaving.Transformations;
import java.time.Duration;

/**
 * The PINNED_THREAD monitor on JDK 21 and later. The JDK itself reports pinning; the only instrumentation is a
 * field read ({@link VirtualThreadBridge#onStart()}) at the start of {@code VirtualThread.start}, so that the
 * monitor's JFR stream starts with the first virtual thread instead of with every JVM.
 */
public final class PinnedThreadInstrumenter implements Instrumenter {

    @Override
    public void contribute(Transformations transformations, AgentRuntime runtime) {
        if (!PinnedThreadMonitor.supported()) {
            return;
        }
        PinnedThreadMonitor monitor = new PinnedThreadMonitor(new RuntimeDetectorContext(runtime));
        monitor.startOnFirstVirtualThread();
        runtime.beforeReport(new AwaitDeliveryAtExit(monitor));
        transformations.hook("java.lang.VirtualThread", Hook.on(MethodFilter.named("start").instanceOnly())
                .enter(BridgeCall.to(VirtualThreadBridge.class, "onStart")));
    }

    /** Before the exit report: the pinning events JFR has not delivered yet. A class, not a start-up lambda. */
    private static final class AwaitDeliveryAtExit implements Runnable {
        private final PinnedThreadMonitor monitor;

        AwaitDeliveryAtExit(PinnedThreadMonitor monitor) {
            this.monitor = monitor;
        }

        @Override
        public void run() {
            if (JvmShutdown.inProgress()) {
                monitor.awaitDelivery(Duration.ofMillis(1500)); // JFR delivers in batches, about once a second
            }
        }
    }
}
