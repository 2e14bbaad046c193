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
import dev.loopguard.agent.internal.weaving.MethodFilter;
import dev.loopguard.agent.internal.weaving.Transformations;

import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

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
        DetectorContext context = new RuntimeDetectorContext(runtime);
        // One detector: the bridge's blocking calls go to it, and its allow list exempts contended monitors too.
        BlockingCallDetector blocking = new BlockingCallDetector(context, options, knownSites);
        LoopActivity activity = new LoopActivity(runtime, blocking);
        AgentStartupWork startup = new AgentStartupWork();
        StallWatchdog watchdog = new StallWatchdog(context, options.stallThreshold(), startup);
        MonitorContentionDetector monitors = new MonitorContentionDetector(context, blocking);
        warmUp(runtime, activity);
        AgentRuntime.setCurrent(runtime);
        runtime.beforeReport(new FlushStalls(watchdog));
        runtime.threads().onFirstLoop(new StartWatchers(runtime, watchdog, monitors, startup));
        Bridge.install(activity);

        Transformations transformations = new Transformations();
        for (Instrumenter instrumenter : INSTRUMENTERS) {
            instrumenter.contribute(transformations, runtime);
        }
        if (KnownCallSites.usable(options)) {
            transformations.reportWatchedMethods(knownSites);
        }
        LoopguardTransformer transformer = new LoopguardTransformer(transformations, inst, Bridge.class.getModule(),
                new AgentErrors(runtime));
        transformer.install();
        Map<String, List<MethodFilter>> watchedFilters = transformations.watchedMethodFilters();
        Set<String> watchedLoaded = loadedAmong(inst, watchedFilters.keySet());
        runtime.threads().beforeLoopsRun(new WeaveForLoops(transformer, knownSites));
        NativeCallSiteTransformer.installIfNeeded(runtime, inst);
        knownSites.install(watchedFilters, watchedLoaded);

        Runtime.getRuntime().addShutdownHook(new Thread(new AtExit(runtime, monitors), "loopguard-report"));
        return runtime;
    }

    // Named classes rather than lambdas: each lambda on the start-up path spins a class at run time.

    /** Starts the watchers when the first event loop appears, so that a JVM without loops never pays for them. */
    private static final class StartWatchers implements Runnable {
        private final AgentRuntime runtime;
        private final StallWatchdog watchdog;
        private final MonitorContentionDetector monitors;
        private final AgentStartupWork startup;

        StartWatchers(AgentRuntime runtime, StallWatchdog watchdog, MonitorContentionDetector monitors,
                      AgentStartupWork startup) {
            this.runtime = runtime;
            this.watchdog = watchdog;
            this.monitors = monitors;
            this.startup = startup;
        }

        @Override
        public void run() {
            watchdog.start();
            monitors.start(startup);
            prepareSlowPath(runtime, startup);
        }
    }

    /** Before each report: the stalls still in progress become findings. */
    private static final class FlushStalls implements Runnable {
        private final StallWatchdog watchdog;

        FlushStalls(StallWatchdog watchdog) {
            this.watchdog = watchdog;
        }

        @Override
        public void run() {
            watchdog.flushOngoing();
        }
    }

    /** Weaves the loop-only hooks as each thread becomes a loop (see {@link LoopguardTransformer#weaveForLoops()}). */
    private static final class WeaveForLoops implements Runnable {
        private final LoopguardTransformer transformer;
        private final KnownCallSites knownSites;

        WeaveForLoops(LoopguardTransformer transformer, KnownCallSites knownSites) {
            this.transformer = transformer;
            this.knownSites = knownSites;
        }

        @Override
        public void run() {
            transformer.weaveForLoops();
            knownSites.hooksWoven();
        }
    }

    /** The internal names among {@code names} of classes loaded now. */
    private static Set<String> loadedAmong(Instrumentation inst, Set<String> names) {
        Set<String> loaded = new HashSet<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (type.getClassLoader() == null && !type.isArray() && !type.isPrimitive()) {
                String name = type.getName().replace('.', '/');
                if (names.contains(name)) {
                    loaded.add(name);
                }
            }
        }
        return loaded;
    }

    /** Where the transformer reports a class it could not instrument. */
    private static final class AgentErrors implements BiConsumer<String, Throwable> {
        private final AgentRuntime runtime;

        AgentErrors(AgentRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void accept(String source, Throwable cause) {
            runtime.agentError(source, cause);
        }
    }

    /** The shutdown hook: stop the monitor stream, then report. */
    private static final class AtExit implements Runnable {
        private final AgentRuntime runtime;
        private final MonitorContentionDetector monitors;

        AtExit(AgentRuntime runtime, MonitorContentionDetector monitors) {
            this.runtime = runtime;
            this.monitors = monitors;
        }

        @Override
        public void run() {
            monitors.stopAndDrain();
            runtime.onExit();
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
