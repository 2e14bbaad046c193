package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.tasks.PendingLoopTasks;
import dev.loopguard.agent.internal.tasks.RejectionHandlerVerdicts;
import dev.loopguard.agent.internal.tasks.SamplingWindow;
import dev.loopguard.agent.internal.tasks.TrackingLevel;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.argument;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.constant;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.field;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.returned;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.self;
import static dev.loopguard.agent.internal.weaving.MethodFilter.named;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.bootstrap.LoopTaskBridge;
import dev.loopguard.agent.bootstrap.TaskBridge;
import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.weaving.BridgeCall;
import dev.loopguard.agent.internal.weaving.ClassHeader;
import dev.loopguard.agent.internal.weaving.Hook;
import dev.loopguard.agent.internal.weaving.Transformations;
import dev.loopguard.agent.internal.weaving.TypeFilter;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import dev.loopguard.agent.internal.weaving.VisitorFactory;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassVisitor;

/**
 * Everything task tracking instruments for tasks and futures, contributed to the agent's one
 * {@link Transformations}: call sites in application classes, completion and observation in {@code CompletableFuture}
 * and {@code FutureTask}, the rejection policies of {@code ThreadPoolExecutor}, threads dying of an exception, and
 * the default unrun-task warning of core's {@code EventLoop}; with tracking on, also the return of any rejection
 * handler ({@code ThreadPoolExecutor.reject}) and the one-shot tasks of core's {@code EventLoop} from submission to
 * start.
 */
public final class TaskTracking {

    private static final String CF = "java.util.concurrent.CompletableFuture";
    private static final String NETTY_EXECUTOR = "io.netty.util.concurrent.SingleThreadEventExecutor";
    private static final String LOOP = "dev.loopguard.core.EventLoop";

    private final DetectorContext context;
    private final CallSites sites = new CallSites();
    private final SamplingWindow window = new SamplingWindow();
    private final TrackingLevel requestedLevel;
    private final boolean strict;
    private final Set<String> fireAndForget;
    private final PendingLoopTasks loopTasks;
    private volatile FutureTracker tracker;
    private volatile CallSitePolicy policy;

    private TaskTracking(DetectorContext context, TrackingLevel level, boolean strict,
                                Set<String> fireAndForget) {
        this.context = context;
        this.requestedLevel = level;
        this.strict = strict;
        this.fireAndForget = Set.copyOf(fireAndForget);
        this.loopTasks = level == TrackingLevel.OFF ? null : new PendingLoopTasks(context, level, window);
    }

    /**
     * The detectors, to be {@linkplain #contribute(Transformations) contributed} to the agent's transformations; they get
     * the {@link Instrumentation} they need when the transformer is installed.
     */
    public static TaskTracking create(DetectorContext context, TrackingLevel level, boolean strict,
                                             Set<String> fireAndForget) {
        return new TaskTracking(Objects.requireNonNull(context, "context"),
                Objects.requireNonNull(level, "level"), strict, Objects.requireNonNull(fireAndForget, "fireAndForget"));
    }

    /**
     * Opens what future tracking reads and creates the tracker; runs before any class is transformed. When this
     * JDK's {@code CompletableFuture} cannot be read, tracking is off and the reason is reported through
     * {@link DetectorContext#detectorFailed}; the bytecode-only rules stay on.
     */
    void prepare(Instrumentation instrumentation) {
        FutureInternals internals = null;
        if (requestedLevel != TrackingLevel.OFF) {
            try {
                internals = FutureInternals.open(instrumentation);
            } catch (RuntimeException e) {
                context.detectorFailed(FutureTracker.DETECTOR, e);
            }
        }
        RecordField.release(instrumentation); // CompletableFuture is loaded by now, with or without the field
        FutureTracker created = new FutureTracker(sites, context, internals, requestedLevel, strict, window);
        policy = new CallSitePolicy(context::isApplicationClass, strict, fireAndForget,
                created.level() != TrackingLevel.OFF);
        tracker = created;
        if (loopTasks != null && created.level() != TrackingLevel.OFF) {
            loopTasks.stageSites(created::stageSiteOf);
        }
    }

    /** The tracking level in force: off until prepared, and off when future internals could not be read. */
    public TrackingLevel level() {
        FutureTracker t = tracker;
        return t == null ? TrackingLevel.OFF : t.level();
    }

    /** Adds this part's hooks and call-site rewriting to the agent's transformations. */
    public void contribute(Transformations t) {
        t.beforeInstall(new Prepare()).afterInstall(new Start())
                .visit(applicationClasses(), new CallSiteFactory())
                .hook("java.util.concurrent.ThreadPoolExecutor$DiscardPolicy", Hook.on(named("rejectedExecution"))
                        .enter(BridgeCall.to(TaskBridge.class, "rejected", argument(0), argument(1), self())))
                .hook("java.util.concurrent.ThreadPoolExecutor$DiscardOldestPolicy", Hook.on(named("rejectedExecution"))
                        .enter(BridgeCall.to(TaskBridge.class, "onDiscardOldest", self(), argument(0), argument(1))))
                .hook("java.util.concurrent.ThreadPoolExecutor$CallerRunsPolicy", Hook.on(named("rejectedExecution"))
                        .enter(BridgeCall.to(TaskBridge.class, "onCallerRuns", self(), argument(0), argument(1))))
                .hook("java.lang.Thread", Hook.on(named("dispatchUncaughtException"))
                        .enter(BridgeCall.to(TaskBridge.class, "uncaught", self(), argument(0))))
                .hook(LOOP, Hook.on(named("warnAboutUnrunTasks").takingArguments(1))
                        .enter(BridgeCall.to(TaskBridge.class, "unrunTasks", argument(0), self(), constant(-1))));
        if (requestedLevel == TrackingLevel.OFF) {
            return;
        }
        t.hook("java.util.concurrent.ThreadPoolExecutor", Hook.on(named("reject").takingArguments(1))
                        .onReturn(BridgeCall.to(TaskBridge.class, "onRejectionReturned", self(), argument(0),
                                field("handler"))))
                .hook(LOOP,
                        // Every task submitted from any thread passes enqueue before the loop can see it; if the
                        // loop refuses it (shut down), the caller gets an exception and nothing is queued.
                        Hook.on(named("enqueue").takingArguments(3))
                                .enter(BridgeCall.to(LoopTaskBridge.class, "queued", self(), argument(0), argument(2)))
                                .onThrow(BridgeCall.to(LoopTaskBridge.class, "refused", self(), argument(0))),
                        // A schedule made on the loop thread skips the inbox.
                        Hook.on(named("scheduleTask").takingArguments(4))
                                .onReturn(BridgeCall.to(LoopTaskBridge.class, "onScheduled", returned(), self(),
                                        field("thread"))),
                        Hook.on(named("runTask").takingArguments(1))
                                .enter(BridgeCall.to(LoopTaskBridge.class, "onRunTask", self(), argument(0))),
                        // The loop stopped, and its close policy took what was left.
                        Hook.on(named("terminate").takingArguments(0))
                                .onExit(BridgeCall.to(LoopTaskBridge.class, "terminated", self())))
                // The frequent hooks pass the future's record field, so that a future nothing tracks costs a field
                // read rather than a call into the agent (TaskBridge.unmarkedConcerns).
                .hook(CF,
                        Hook.on(named("completeValue", "completeNull", "internalComplete", "completeRelay")
                                        .returning(boolean.class))
                                .onReturn(BridgeCall.to(TaskBridge.class, "onCompletion", returned(), self(), record())),
                        // An asynchronous stage failing on its pool thread, or a failure passed on: the report
                        // names this thread even when tracking starts later, at the call site.
                        Hook.on(named("completeThrowable").returning(boolean.class))
                                .onReturn(BridgeCall.to(TaskBridge.class, "onFailure", returned(), self())),
                        Hook.on(named("obtrudeValue", "obtrudeException"))
                                .onReturn(BridgeCall.to(TaskBridge.class, "onForcedCompletion", self())),
                        Hook.on(named("get", "join", "getNow", "resultNow", "exceptionNow", "isCompletedExceptionally",
                                        "state").instanceOnly())
                                .enter(BridgeCall.to(TaskBridge.class, "onRead", self())),
                        Hook.on(named("handle", "handleAsync", "whenComplete", "whenCompleteAsync", "exceptionally",
                                        "exceptionallyAsync", "exceptionallyCompose", "exceptionallyComposeAsync")
                                        .instanceOnly())
                                .enter(BridgeCall.to(TaskBridge.class, "onHandle", self(), record()))
                                // A future that failed while the callback was being attached: seen on the way out.
                                .onReturn(BridgeCall.to(TaskBridge.class, "onHandled", self())),
                        Hook.on(named("thenApply", "thenApplyAsync", "thenAccept", "thenAcceptAsync", "thenRun",
                                        "thenRunAsync", "thenCombine", "thenCombineAsync", "thenAcceptBoth",
                                        "thenAcceptBothAsync", "runAfterBoth", "runAfterBothAsync", "thenCompose",
                                        "thenComposeAsync").instanceOnly())
                                .enter(BridgeCall.to(TaskBridge.class, "onChain", self(), record())),
                        // thenCompose takes over the future its function returned through this call, then relays
                        // its outcome by reading its result: the only trace the hand-over leaves.
                        Hook.on(named("toCompletableFuture").instanceOnly())
                                .enter(BridgeCall.to(TaskBridge.class, "onCompose", self(), record())),
                        Hook.on(named("applyToEither", "applyToEitherAsync", "acceptEither", "acceptEitherAsync",
                                        "runAfterEither", "runAfterEitherAsync").instanceOnly())
                                .enter(BridgeCall.to(TaskBridge.class, "onEither", self())),
                        // The combined future takes over observing its inputs.
                        Hook.on(named("allOf", "anyOf").staticOnly())
                                .enter(BridgeCall.to(TaskBridge.class, "onAllOrAny", argument(0))))
                .hook("java.util.concurrent.FutureTask", Hook.on(named("finishCompletion"))
                        .onReturn(BridgeCall.to(TaskBridge.class, "onForcedCompletion", self())))
                // Netty 4.1 and 4.2 (and Vert.x on them): execute and lazyExecute both pass the private
                // execute(Runnable, boolean); every schedule passes the private schedule(ScheduledFutureTask); every
                // task a loop runs passes the static runTask(Runnable).
                .hook(NETTY_EXECUTOR, Hook.on(named("execute").takingArguments(2).withArgument(0, Runnable.class))
                        .enter(BridgeCall.to(LoopTaskBridge.class, "onNettyExecute", self(), argument(0)))
                        .onThrow(BridgeCall.to(LoopTaskBridge.class, "refused", self(), argument(0))))
                .hook("io.netty.util.concurrent.AbstractScheduledEventExecutor",
                        Hook.on(named("schedule").takingArguments(1).instanceOnly())
                                .onReturn(BridgeCall.to(LoopTaskBridge.class, "onNettySchedule", returned(), self())))
                .hook("io.netty.util.concurrent.AbstractEventExecutor",
                        Hook.on(named("runTask").takingArguments(1).withArgument(0, Runnable.class).staticOnly())
                                .enter(BridgeCall.to(LoopTaskBridge.class, "onNettyRunTask", argument(0))));
    }

    /**
     * The future's record field ({@link RecordField}), passed to the bridge; null when this JVM's
     * {@code CompletableFuture} was loaded without it, and the bridge then goes by its count alone.
     */
    private static BridgeCall.Arg record() {
        return BridgeCall.Arg.fieldOrNull(RecordField.NAME);
    }

    /** Installs the handler behind the bridge and starts the reaper. */
    void start() {
        FutureTracker t = tracker;
        if (t != null) {
            t.start();
        }
        if (requestedLevel == TrackingLevel.SAMPLED) {
            window.start(); // loop tasks sample in it even when future tracking could not start
        }
        if (loopTasks != null) {
            loopTasks.start();
        }
    }

    /** At JVM exit: reports failures still unobserved. */
    public void reportAtExit() {
        FutureTracker t = tracker;
        if (t != null) {
            t.reportAtExit();
        }
        if (loopTasks != null) {
            loopTasks.reportAtExit();
        }
    }

    /**
     * One-shot tasks of core's {@code EventLoop} submitted and not started, reported now (see
     * {@code LoopguardAgent.checkPendingTasks()}); empty when tracking is off, since the loop is then not followed.
     */
    public List<Finding> checkPendingTasks() {
        return loopTasks == null ? List.of() : loopTasks.checkNow();
    }

    /** Stops tracking; the instrumentation stays but calls nothing. */
    public void stop() {
        window.stop();
        FutureTracker t = tracker;
        if (t != null) {
            t.stop();
        }
        if (loopTasks != null) {
            loopTasks.stop();
        }
    }

    FutureTracker tracker() {
        return tracker;
    }

    // Named classes rather than method references: contribute runs in premain, where each would spin a class.

    private final class Prepare implements Consumer<Instrumentation> {
        @Override
        public void accept(Instrumentation instrumentation) {
            prepare(instrumentation);
        }
    }

    private final class Start implements Runnable {
        @Override
        public void run() {
            start();
        }
    }

    private TypeFilter applicationClasses() {
        return new TypeFilter() {
            @Override
            public boolean mayMatch(String binaryName, ClassLoader loader) {
                return context.isApplicationClass(binaryName);
            }

            @Override
            public boolean matches(ClassHeader header, TypeHierarchy hierarchy) {
                return !header.isSynthetic();
            }
        };
    }

    /**
     * Puts the call-site rewriter in front of the class writer, with the hierarchy of the class's loader; with
     * tracking on, rejection handlers are judged too, their verdicts kept by defining loader.
     */
    private final class CallSiteFactory implements VisitorFactory {
        @Override
        public ClassVisitor wrap(ClassVisitor next, ClassHeader header, ClassLoader loader, TypeHierarchy hierarchy) {
            CallSitePolicy current = policy;
            if (current == null) {
                return next; // transformed before installation finished: nothing is listening yet
            }
            return new CallSiteClassVisitor(next, hierarchy, new ReturnTypeClassifier(hierarchy), current, sites,
                    current.trackFutures() ? RejectionHandlerVerdicts.shared().recorder(loader) : null);
        }
    }
}
