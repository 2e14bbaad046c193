package dev.loopguard.agent.internal;

import dev.loopguard.agent.internal.blocking.KnownCallSites;
import dev.loopguard.agent.internal.blocking.BlockingCallDetector;
import dev.loopguard.agent.internal.blocking.BlockingCallInstrumenter;
import dev.loopguard.agent.internal.blocking.MonitorContentionDetector;
import dev.loopguard.agent.internal.blocking.NativeCallSiteTransformer;
import dev.loopguard.agent.internal.loops.LoopActivity;
import dev.loopguard.agent.internal.loops.LoopThreadInstrumenter;
import dev.loopguard.agent.internal.loops.StallWatchdog;
import dev.loopguard.agent.internal.recording.FindingEvents;
import dev.loopguard.agent.internal.recording.JsonWriter;
import dev.loopguard.agent.bootstrap.Bridge;
import dev.loopguard.agent.internal.weaving.LoopguardTransformer;
import dev.loopguard.agent.internal.weaving.Transformations;

import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * Builds the runtime, connects the {@link Bridge}, and installs one {@link LoopguardTransformer} with the
 * {@link Transformations} every {@link Instrumenter} contributes. Retransformation changes no class's format (no
 * added fields or methods), so JDK classes that are already loaded are retransformed on JDK 17 and 25 without extra
 * JVM flags; the one added field, in {@code CompletableFuture}, is added when that class first loads
 * ({@code RecordField}), never by retransformation.
 */
final class AgentInstaller {
    /** Every instrumenter, in order; a new detector adds its own here. */
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
        KnownCallSites knownSites = new KnownCallSites(runtime, inst);
        LoopActivity activity = new LoopActivity(runtime, knownSites);
        AgentStartupWork startup = new AgentStartupWork();
        DetectorContext context = new RuntimeDetectorContext(runtime);
        StallWatchdog watchdog = new StallWatchdog(context, options.stallThreshold(), startup);
        MonitorContentionDetector monitors = new MonitorContentionDetector(context,
                new BlockingCallDetector(context, options));
        warmUp(runtime, activity);
        AgentRuntime.setCurrent(runtime);
        runtime.beforeReport(watchdog::flushOngoing);
        runtime.threads().onFirstLoop(() -> {
            watchdog.start();
            monitors.start(startup);
            prepareSlowPath(runtime, startup);
        });
        Bridge.install(activity);

        Transformations transformations = new Transformations();
        for (Instrumenter instrumenter : INSTRUMENTERS) {
            instrumenter.contribute(transformations, runtime);
        }
        if (KnownCallSites.usable(options)) {
            transformations.reportWatchedMethods(knownSites);
        }
        LoopguardTransformer transformer = new LoopguardTransformer(transformations, inst, Bridge.class.getModule(),
                runtime::agentError);
        transformer.install();
        NativeCallSiteTransformer.installIfNeeded(runtime, inst);
        knownSites.install(transformations.watchedMethodFilters());

        Thread hook = new Thread(() -> {
            monitors.stopAndDrain();
            runtime.onExit();
        }, "loopguard-report");
        Runtime.getRuntime().addShutdownHook(hook);
        return runtime;
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
    private static void prepareSlowPath(AgentRuntime runtime, AgentStartupWork startup) {
        startup.started();
        Thread t = new Thread(() -> {
            try {
                FindingEvents.register();
                dev.loopguard.agent.Finding.builder(dev.loopguard.agent.FindingKind.BLOCKING_CALL).thread("warm-up")
                        .message("warm-up").stack(StackFrames.render(new Throwable().getStackTrace())).build();
            } catch (Throwable e) {
                runtime.agentError("warm-up", e);
            } finally {
                startup.finished();
            }
        }, "loopguard-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
