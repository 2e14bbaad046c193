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
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
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
    /**
     * Built at once, not at {@link #ensureStarted}: application classes loaded before the first bridge call are
     * rewritten too, and their calls into the bridge are what starts tracking.
     */
    private final CallSitePolicy policy;
    /** Guards {@link #starting} and {@link #stopped}; held while tracking starts. */
    private final Object startLock = new Object();
    private boolean starting;
    private boolean stopped;
    private volatile boolean started;
    private volatile Instrumentation instrumentation;
    private volatile PendingLoopTasks loopTasks;
    private volatile FutureTracker tracker;
    /**
     * The threads futures failed on ({@code failedHere}) before the tracker was there, weakly keyed as the tracker
     * keeps them; handed to it when it starts. Null from then on. Guarded by {@link #failureLock}.
     */
    private Map<Object, String> earlyFailures;
    private final Object failureLock = new Object();

    private TaskTracking(DetectorContext context, TrackingLevel level, boolean strict,
                                Set<String> fireAndForget) {
        this.context = context;
        this.requestedLevel = level;
        this.strict = strict;
        this.policy = new CallSitePolicy(new ApplicationClasses(context), strict, fireAndForget,
                level != TrackingLevel.OFF);
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
     * Puts a starter behind the bridges instead of the detectors, before any class is transformed: the first call
     * any hook or rewritten call site makes starts tracking ({@link #ensureStarted}) and is then handed on. A JVM
     * whose hooks never call in (a program that uses no future, no pool that rejects, no event loop, and whose
     * threads never die of an exception) never opens {@code CompletableFuture}, never builds the tracker and starts
     * no thread for it.
     *
     * <p>Why the first call is a safe moment: nothing is tracked before it. A future is tracked from its call site in
     * application code, a loop task from the hook that queues it, and each of those calls in; the hooks that call in
     * for every future ({@code failedHere}) call the starter too. No hook runs while {@code CompletableFuture} is
     * being defined (the class-file transformers run no woven code), so opening it from a hook cannot recurse into
     * its loading, and opening it does not initialise it, so a thread running its static initialiser never waits for
     * the starter.
     */
    void prepare(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
        if (requestedLevel != TrackingLevel.OFF) {
            // Before the weaving transformer, so that it weaves the bytes with the field (RecordField). Nothing of
            // the agent's premain loads CompletableFuture; registering it only now spares the few hundred classes
            // premain loads a trip through the transformer (RecordFieldIT checks that the field is there).
            RecordField.reserve(instrumentation);
        }
        TaskBridge.install(new StartOnFirstCall(this));
        if (requestedLevel != TrackingLevel.OFF) {
            LoopTaskBridge.install(new StartOnFirstLoopTask(this));
            // The one hook gated on the switch alone (a rejection handler returned): it must call in before the
            // start it triggers. The counts the other hooks read stay at zero until something is tracked.
            TaskBridge.setTracking(true);
        }
    }

    /**
     * Opens what future tracking reads, creates the tracker and the loop-task following and installs them behind the
     * bridges, once; a thread calling while another starts waits for it, and a call reached from the start itself
     * (on the starting thread) returns at once. When this JDK's {@code CompletableFuture} cannot be read, future
     * tracking is off and the reason is reported through {@link DetectorContext#detectorFailed}; the bytecode-only
     * rules stay on.
     */
    void ensureStarted() {
        if (started) {
            return;
        }
        synchronized (startLock) {
            if (started || starting || stopped) {
                return;
            }
            starting = true;
            try {
                startNow();
            } finally {
                starting = false;
                started = true;
            }
        }
    }

    private void startNow() {
        Instrumentation inst = instrumentation;
        FutureInternals internals = null;
        if (requestedLevel != TrackingLevel.OFF && inst != null) {
            try {
                internals = FutureInternals.open(inst);
            } catch (RuntimeException e) {
                context.detectorFailed(FutureTracker.DETECTOR, e);
            }
        }
        if (inst != null) {
            RecordField.release(inst); // CompletableFuture is loaded by now, with or without the field
        }
        FutureTracker created = new FutureTracker(sites, context, internals, requestedLevel, strict, window);
        PendingLoopTasks tasks = null;
        if (requestedLevel != TrackingLevel.OFF) {
            tasks = new PendingLoopTasks(context, requestedLevel, window);
            if (created.level() != TrackingLevel.OFF) {
                tasks.stageSites(new StageSites(created));
            }
        }
        synchronized (failureLock) {
            if (earlyFailures != null) {
                for (Map.Entry<Object, String> e : earlyFailures.entrySet()) {
                    created.failedOn(e.getKey(), e.getValue());
                }
            }
            earlyFailures = null;
            tracker = created;
        }
        loopTasks = tasks;
        if (created.level() == TrackingLevel.OFF) {
            TaskBridge.setTracking(false); // future internals could not be read: the bytecode-only rules stay on
        }
        created.start();
        if (requestedLevel == TrackingLevel.SAMPLED) {
            window.start(); // loop tasks sample in it even when future tracking could not start
        }
        if (tasks != null) {
            tasks.start();
        }
    }

    /**
     * Keeps the thread {@code future} failed on for the tracker, when it has not started: a pool thread that fails a
     * future while another thread starts tracking must not wait for the start, or the starting thread could judge
     * the future first and name itself (the tracker names the thread it heard of). Without a tracker yet this starts
     * nothing: the thread only matters for a future tracking will judge, and tracking begins elsewhere.
     *
     * @return false when the tracker is there, to be told directly
     */
    boolean keepEarlyFailure(Object future) {
        synchronized (failureLock) {
            if (tracker != null) {
                return false;
            }
            if (earlyFailures == null) {
                earlyFailures = new WeakHashMap<>();
            } else if (earlyFailures.size() >= FutureTracker.FAILURE_THREADS_LIMIT) {
                earlyFailures.clear();
            }
            earlyFailures.put(future, Thread.currentThread().getName());
            return true;
        }
    }

    /** The tracking level in force: off until started, and off when future internals could not be read. */
    public TrackingLevel level() {
        FutureTracker t = tracker;
        return t == null ? TrackingLevel.OFF : t.level();
    }

    /** Adds this part's hooks and call-site rewriting to the agent's transformations. */
    public void contribute(Transformations t) {
        t.beforeInstall(new Prepare())
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
                        // A read observes a failure only by seeing it: these throw it, so they are hooked on the
                        // way out by exception, which a successful read (all but every read) never takes.
                        Hook.on(named("get", "join", "getNow", "resultNow").instanceOnly())
                                .onThrow(BridgeCall.to(TaskBridge.class, "onRead", self())),
                        Hook.on(named("exceptionNow", "isCompletedExceptionally", "state").instanceOnly())
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
                                .enter(trackedOnly("onTrackedChain", "onChain")),
                        // thenCompose takes over the future its function returned through this call, then relays
                        // its outcome by reading its result: the only trace the hand-over leaves.
                        Hook.on(named("toCompletableFuture").instanceOnly())
                                .enter(trackedOnly("onTrackedCompose", "onCompose")),
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

    /**
     * A stage hook that calls in only for a future holding a record, where the class has the record field; where it
     * has not (loaded before the agent), the hook that also goes by {@code TaskBridge.unmarkedConcerns}, which then
     * counts the records in the agent's table.
     */
    private static BridgeCall trackedOnly(String withField, String withoutField) {
        return BridgeCall.to(TaskBridge.class, withField, self(), record())
                .whereFieldIs(RecordField.NAME, BridgeCall.to(TaskBridge.class, withoutField, self(), record()));
    }

    /** At JVM exit: reports failures still unobserved. */
    public void reportAtExit() {
        FutureTracker t = tracker;
        if (t != null) {
            t.reportAtExit();
        }
        PendingLoopTasks tasks = loopTasks;
        if (tasks != null) {
            tasks.reportAtExit();
        }
    }

    /**
     * One-shot tasks of core's {@code EventLoop} submitted and not started, reported now (see
     * {@code LoopguardAgent.checkPendingTasks()}); empty when tracking is off, since the loop is then not followed.
     */
    public List<Finding> checkPendingTasks() {
        PendingLoopTasks tasks = loopTasks;
        return tasks == null ? List.of() : tasks.checkNow(); // not started: no task was ever queued
    }

    /** Stops tracking; the instrumentation stays but calls nothing. */
    public void stop() {
        synchronized (startLock) {
            stopped = true;
        }
        window.stop();
        FutureTracker t = tracker;
        if (t != null) {
            t.stop();
        } else {
            TaskBridge.setTracking(false);
            TaskBridge.install(null); // the starter
        }
        PendingLoopTasks tasks = loopTasks;
        if (tasks != null) {
            tasks.stop();
        } else if (requestedLevel != TrackingLevel.OFF) {
            LoopTaskBridge.install(null);
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

    /** {@link DetectorContext#isApplicationClass}, for the call-site policy. */
    private static final class ApplicationClasses implements Predicate<String> {
        private final DetectorContext context;

        ApplicationClasses(DetectorContext context) {
            this.context = context;
        }

        @Override
        public boolean test(String binaryName) {
            return context.isApplicationClass(binaryName);
        }
    }

    /** The call site that created an asynchronous stage a loop runs, for the loop-task findings. */
    private static final class StageSites implements Function<Object, StackTraceElement> {
        private final FutureTracker tracker;

        StageSites(FutureTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public StackTraceElement apply(Object task) {
            return tracker.stageSiteOf(task);
        }
    }

    /**
     * Behind {@link TaskBridge} until tracking starts: starts it ({@link #ensureStarted}), then hands the call to the
     * tracker, which has replaced this starter behind the bridge by then. A call reached from the start itself finds
     * no tracker yet and is dropped: it concerns nothing the tracker could know of.
     */
    private static final class StartOnFirstCall implements TaskBridge.Handler {
        private final TaskTracking tracking;

        StartOnFirstCall(TaskTracking tracking) {
            this.tracking = tracking;
        }

        private TaskBridge.Handler started() {
            tracking.ensureStarted();
            return tracking.tracker;
        }

        @Override
        public void discarded(Object value, int site) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.discarded(value, site);
            }
        }

        @Override
        public void created(Object value, int site) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.created(value, site);
            }
        }

        @Override
        public void completed(Object future) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.completed(future);
            }
        }

        @Override
        public void used(Object future, int use) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.used(future, use);
            }
        }

        @Override
        public void allOrAny(Object[] futures) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.allOrAny(futures);
            }
        }

        @Override
        public void rejected(Runnable task, Object executor, Object policy) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.rejected(task, executor, policy);
            }
        }

        @Override
        public void unrunTasks(Object tasks, Object executor, int site) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.unrunTasks(tasks, executor, site);
            }
        }

        @Override
        public void uncaught(Thread thread, Throwable failure) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.uncaught(thread, failure);
            }
        }

        @Override
        public void failedHere(Object future) {
            if (!tracking.keepEarlyFailure(future)) {
                TaskBridge.Handler h = started();
                if (h != null) {
                    h.failedHere(future);
                }
            }
        }

        @Override
        public void lambdaHandler(Object handler, String implementation) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.lambdaHandler(handler, implementation);
            }
        }

        @Override
        public void rejectionReturned(Runnable task, Object executor, Object rejectionHandler) {
            TaskBridge.Handler h = started();
            if (h != null) {
                h.rejectionReturned(task, executor, rejectionHandler);
            }
        }
    }

    /** Behind {@link LoopTaskBridge} until tracking starts, as {@link StartOnFirstCall} is behind the task bridge. */
    private static final class StartOnFirstLoopTask implements LoopTaskBridge.Handler {
        private final TaskTracking tracking;

        StartOnFirstLoopTask(TaskTracking tracking) {
            this.tracking = tracking;
        }

        private LoopTaskBridge.Handler started() {
            tracking.ensureStarted();
            return tracking.loopTasks;
        }

        @Override
        public void queued(Object loop, Object task, boolean timed) {
            LoopTaskBridge.Handler h = started();
            if (h != null) {
                h.queued(loop, task, timed);
            }
        }

        @Override
        public void refused(Object loop, Object task) {
            LoopTaskBridge.Handler h = started();
            if (h != null) {
                h.refused(loop, task);
            }
        }

        @Override
        public void scheduledOnLoop(Object loop, Object loopThread, Object scheduled) {
            LoopTaskBridge.Handler h = started();
            if (h != null) {
                h.scheduledOnLoop(loop, loopThread, scheduled);
            }
        }

        @Override
        public void started(Object loop, Object queuedTask) {
            LoopTaskBridge.Handler h = started();
            if (h != null) {
                h.started(loop, queuedTask);
            }
        }

        @Override
        public void terminated(Object loop) {
            LoopTaskBridge.Handler h = started();
            if (h != null) {
                h.terminated(loop);
            }
        }

        @Override
        public void startedOnItsLoop(Object task) {
            LoopTaskBridge.Handler h = started();
            if (h != null) {
                h.startedOnItsLoop(task);
            }
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
            return new CallSiteClassVisitor(next, hierarchy, new ReturnTypeClassifier(hierarchy), current, sites,
                    current.trackFutures() ? RejectionHandlerVerdicts.shared().recorder(loader) : null);
        }
    }
}
