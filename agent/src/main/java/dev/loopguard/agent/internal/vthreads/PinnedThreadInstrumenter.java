package dev.loopguard.agent.internal.vthreads;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.futures.JvmShutdown;
import dev.loopguard.agent.internal.tasks.RuntimeDetectorContext;
import java.time.Duration;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * The PINNED_THREAD monitor on JDK 21 and later. The JDK itself reports pinning; the only instrumentation is a
 * field read at the start of {@code VirtualThread.start}, so that the monitor's JFR stream starts with the first
 * virtual thread instead of with every JVM.
 */
public final class PinnedThreadInstrumenter implements Instrumenter {

    @Override
    public AgentBuilder contribute(AgentBuilder builder, AgentRuntime runtime) {
        if (!PinnedThreadMonitor.supported()) {
            return builder;
        }
        PinnedThreadMonitor monitor = new PinnedThreadMonitor(new RuntimeDetectorContext(runtime));
        monitor.startOnFirstVirtualThread();
        runtime.beforeReport(() -> {
            if (JvmShutdown.inProgress()) {
                monitor.awaitDelivery(Duration.ofMillis(1500)); // JFR delivers in batches, about once a second
            }
        });
        return builder
                .type(named("java.lang.VirtualThread"))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(VirtualThreadStartAdvice.class)
                        .on(named("start").and(not(isStatic())).and(not(isAbstract())))));
    }
}
