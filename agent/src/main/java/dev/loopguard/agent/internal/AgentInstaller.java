package dev.loopguard.agent.internal;

import dev.loopguard.agent.bootstrap.Bridge;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * Builds the runtime, connects the {@link Bridge}, and installs one {@link AgentBuilder} that every
 * {@link Instrumenter} contributes to. The builder never changes a class's format (no added fields or methods), so
 * JDK classes that are already loaded are retransformed on JDK 17 and 25 without extra JVM flags.
 */
final class AgentInstaller {
    /** Every instrumenter, in order. Part 2 of the agent adds its own here. */
    static final List<Instrumenter> INSTRUMENTERS = List.of(
            new LoopThreadInstrumenter(),
            new BlockingCallInstrumenter(),
            new dev.loopguard.agent.internal.futures.TaskInstrumenter(),
            new dev.loopguard.agent.internal.controllers.ControllerInstrumenter(),
            new dev.loopguard.agent.internal.vthreads.PinnedThreadInstrumenter());

    private AgentInstaller() {
    }

    static AgentRuntime install(AgentOptions options, Instrumentation inst) {
        AgentRuntime runtime = new AgentRuntime(options, System.err);
        LoopActivity activity = new LoopActivity(runtime);
        StallWatchdog watchdog = new StallWatchdog(runtime);
        MonitorContentionDetector monitors = new MonitorContentionDetector(runtime);
        warmUp(runtime, activity);
        AgentRuntime.setCurrent(runtime);
        runtime.beforeReport(watchdog::flushOngoing);
        runtime.threads().onFirstLoop(() -> {
            watchdog.start();
            monitors.start();
            prepareSlowPath(runtime);
        });
        Bridge.install(activity);

        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // A class first loaded while another one is being retransformed (on JDK 25, FileChannelImpl's method
                // signatures load SocketChannelImpl) is skipped by Byte Buddy's circularity lock; the first pass has
                // already listed the loaded classes, so it would stay uninstrumented for good. Reiterating lists them
                // again until no new class appears, and transforms the ones it missed.
                .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .ignore(nameStartsWith("dev.loopguard.agent.").or(nameStartsWith("net.bytebuddy."))
                        .or(nameContains("$$Lambda")).or(isSynthetic()))
                .assureReadEdgeTo(inst, Bridge.class)
                .with(new ErrorListener(runtime));
        for (Instrumenter instrumenter : INSTRUMENTERS) {
            builder = instrumenter.contribute(builder, runtime);
        }
        builder.installOn(inst);
        NativeCallSiteTransformer.installIfNeeded(runtime, inst);

        Thread hook = new Thread(() -> {
            monitors.stopAndDrain();
            runtime.onExit();
        }, "loopguard-report");
        Runtime.getRuntime().addShutdownHook(hook);
        return runtime;
    }

    /**
     * The default AgentBuilder prepares Byte Buddy's "nexus" for self-initializing types, which the agent never uses
     * (it does not change class formats) and which touches {@code sun.misc.Unsafe}: JDK 24+ prints a deprecation
     * warning for that. Byte Buddy's own switch turns it off while the builder is created.
     */
    private static AgentBuilder newAgentBuilder() {
        String previous = System.getProperty(Nexus.PROPERTY);
        System.setProperty(Nexus.PROPERTY, "true");
        try {
            return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED));
        } finally {
            if (previous == null) {
                System.clearProperty(Nexus.PROPERTY);
            } else {
                System.setProperty(Nexus.PROPERTY, previous);
            }
        }
    }

    /**
     * Loads and runs the bridge's fast path once before connecting it: class loading from the agent jar reads
     * files, and a file read reached through an unloaded class would re-enter the bridge half-initialized.
     */
    private static void warmUp(AgentRuntime runtime, LoopActivity activity) {
        activity.exitBlocking(activity.enterBlocking("warm-up", Bridge.PLAIN, null));
        Object idle = activity.enterIdle();
        if (idle != null) {
            activity.exitIdle(idle);
        }
        activity.exitExempt(activity.enterExempt());
        runtime.threads().isEventLoopThread(Thread.currentThread());
        StackFrames.isApplicationFrame("warm.Up");
        new JsonWriter().beginObject().endObject().toJson();
    }

    /**
     * Loads and registers what the first finding needs (JFR event types, the finding model) on a daemon thread, so the
     * first blocking call on a loop does not pay for it and show up as a stall.
     */
    private static void prepareSlowPath(AgentRuntime runtime) {
        Thread t = new Thread(() -> {
            try {
                FindingEvents.register();
                dev.loopguard.agent.Finding.builder(dev.loopguard.agent.FindingKind.BLOCKING_CALL).thread("warm-up")
                        .message("warm-up").stack(StackFrames.render(new Throwable().getStackTrace())).build();
            } catch (Throwable e) {
                runtime.agentError("warm-up", e);
            }
        }, "loopguard-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Reports a class that could not be instrumented; the rest of the agent keeps working. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        private final AgentRuntime runtime;

        ErrorListener(AgentRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            runtime.agentError("instrumentation of " + typeName, error);
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            // Nothing to do: only failures are worth the user's attention.
        }
    }
}
