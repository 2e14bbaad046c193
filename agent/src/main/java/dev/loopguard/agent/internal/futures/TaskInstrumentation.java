package dev.loopguard.agent.internal.futures;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.internal.tasks.DetectorContext;
import dev.loopguard.agent.internal.tasks.TaskAdvice;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Everything part 2 of the agent instruments for tasks and futures, contributed to the agent's one
 * {@link AgentBuilder}: call sites in application classes, completion and observation in {@code CompletableFuture}
 * and {@code FutureTask}, the rejection policies of {@code ThreadPoolExecutor}, threads dying of an exception, and
 * the default unrun-task warning of core's {@code EventLoop}; with tracking on, also the return of any rejection
 * handler ({@code ThreadPoolExecutor.reject}) and the one-shot tasks of core's {@code EventLoop} from submission to
 * start.
 */
public final class TaskInstrumentation {

    private static final String CF = "java.util.concurrent.CompletableFuture";

    private final DetectorContext context;
    private final CallSites sites = new CallSites();
    private final TrackingLevel requestedLevel;
    private final boolean strict;
    private final Set<String> fireAndForget;
    private final PendingLoopTasks loopTasks;
    private volatile FutureTracker tracker;
    private volatile CallSitePolicy policy;

    private TaskInstrumentation(DetectorContext context, TrackingLevel level, boolean strict,
                                Set<String> fireAndForget) {
        this.context = context;
        this.requestedLevel = level;
        this.strict = strict;
        this.fireAndForget = Set.copyOf(fireAndForget);
        this.loopTasks = level == TrackingLevel.OFF ? null : new PendingLoopTasks(context, level);
    }

    /**
     * The detectors, to be {@linkplain #contribute(AgentBuilder) contributed} to the agent's builder; they get the
     * {@link Instrumentation} they need when the builder is installed.
     */
    public static TaskInstrumentation create(DetectorContext context, TrackingLevel level, boolean strict,
                                             Set<String> fireAndForget) {
        return new TaskInstrumentation(Objects.requireNonNull(context, "context"),
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
        FutureTracker created = new FutureTracker(sites, context, internals, requestedLevel, strict);
        policy = new CallSitePolicy(context::isApplicationClass, strict, fireAndForget,
                created.level() != TrackingLevel.OFF);
        tracker = created;
        if (loopTasks != null && created.level() != TrackingLevel.OFF) {
            loopTasks.stageSites(created::callSiteOf);
        }
    }

    /** The tracking level in force: off until prepared, and off when future internals could not be read. */
    public TrackingLevel level() {
        FutureTracker t = tracker;
        return t == null ? TrackingLevel.OFF : t.level();
    }

    /** Adds this part's transformations to the agent's builder. */
    public AgentBuilder contribute(AgentBuilder builder) {
        AgentBuilder result = builder
                .with(new AgentBuilder.InstallationListener.Adapter() {
                    @Override
                    public void onBeforeInstall(Instrumentation instrumentation,
                                                ResettableClassFileTransformer transformer) {
                        prepare(instrumentation);
                    }

                    @Override
                    public void onInstall(Instrumentation instrumentation, ResettableClassFileTransformer transformer) {
                        start();
                    }
                })
                .type(applicationClasses())
                .transform((b, type, loader, module, domain) -> b.visit(new CallSiteWrapper(loader)))
                .type(named("java.util.concurrent.ThreadPoolExecutor$DiscardPolicy"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(TaskAdvice.Discard.class).on(named("rejectedExecution"))))
                .type(named("java.util.concurrent.ThreadPoolExecutor$DiscardOldestPolicy"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(TaskAdvice.DiscardOldest.class).on(named("rejectedExecution"))))
                .type(named("java.util.concurrent.ThreadPoolExecutor$CallerRunsPolicy"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(TaskAdvice.CallerRunsAfterShutdown.class).on(named("rejectedExecution"))))
                .type(named("java.lang.Thread"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(TaskAdvice.Uncaught.class).on(named("dispatchUncaughtException"))))
                .type(named("dev.loopguard.core.EventLoop"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(TaskAdvice.LoopUnrunWarning.class).on(named("warnAboutUnrunTasks")
                                .and(takesArguments(1)))));
        if (requestedLevel == TrackingLevel.OFF) {
            return result;
        }
        return result
                .type(named("java.util.concurrent.ThreadPoolExecutor"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(TaskAdvice.HandlerReturned.class).on(named("reject").and(takesArguments(1)))))
                .type(named("dev.loopguard.core.EventLoop"))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(TaskAdvice.LoopEnqueue.class)
                                .on(named("enqueue").and(takesArguments(1))))
                        .visit(Advice.to(TaskAdvice.LoopSchedule.class)
                                .on(named("scheduleTask").and(takesArguments(4))))
                        .visit(Advice.to(TaskAdvice.LoopRunTask.class)
                                .on(named("runTask").and(takesArguments(1))))
                        .visit(Advice.to(TaskAdvice.LoopTerminated.class)
                                .on(named("terminate").and(takesArguments(0)))))
                .type(named(CF))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(FutureAdvice.Completion.class)
                                .on(namedOneOf("completeValue", "completeNull", "internalComplete",
                                        "completeThrowable", "completeRelay").and(returns(boolean.class))))
                        .visit(Advice.to(FutureAdvice.ForcedCompletion.class)
                                .on(namedOneOf("obtrudeValue", "obtrudeException")))
                        .visit(Advice.to(FutureAdvice.Read.class)
                                .on(not(isStatic()).and(namedOneOf("get", "join", "getNow", "resultNow",
                                        "exceptionNow", "isCompletedExceptionally", "state"))))
                        .visit(Advice.to(FutureAdvice.Handle.class)
                                .on(not(isStatic()).and(namedOneOf("handle", "handleAsync", "whenComplete",
                                        "whenCompleteAsync", "exceptionally", "exceptionallyAsync",
                                        "exceptionallyCompose", "exceptionallyComposeAsync"))))
                        .visit(Advice.to(FutureAdvice.Chain.class)
                                .on(not(isStatic()).and(namedOneOf("thenApply", "thenApplyAsync", "thenAccept",
                                        "thenAcceptAsync", "thenRun", "thenRunAsync", "thenCombine",
                                        "thenCombineAsync", "thenAcceptBoth", "thenAcceptBothAsync", "runAfterBoth",
                                        "runAfterBothAsync", "thenCompose", "thenComposeAsync"))))
                        .visit(Advice.to(FutureAdvice.Either.class)
                                .on(not(isStatic()).and(namedOneOf("applyToEither", "applyToEitherAsync",
                                        "acceptEither", "acceptEitherAsync", "runAfterEither",
                                        "runAfterEitherAsync"))))
                        .visit(Advice.to(FutureAdvice.AllOrAny.class)
                                .on(isStatic().and(namedOneOf("allOf", "anyOf")))))
                .type(named("java.util.concurrent.FutureTask"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(FutureAdvice.ForcedCompletion.class).on(named("finishCompletion"))));
    }

    /** Installs the handler behind the bridge and starts the reaper. */
    void start() {
        FutureTracker t = tracker;
        if (t != null) {
            t.start();
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

    private ElementMatcher<TypeDescription> applicationClasses() {
        return type -> !type.isArray() && !type.isPrimitive() && context.isApplicationClass(type.getName());
    }

    /**
     * Plugs the call-site rewriter into Byte Buddy's class writer, with the type pool of the class's loader; with
     * tracking on, rejection handlers are judged too, their verdicts kept by defining loader.
     */
    private final class CallSiteWrapper implements AsmVisitorWrapper {
        private final ClassLoader loader;

        CallSiteWrapper(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public int mergeWriter(int flags) {
            return flags;
        }

        @Override
        public int mergeReader(int flags) {
            return flags;
        }

        @Override
        public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor,
                                 Implementation.Context implementationContext, TypePool typePool,
                                 FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods,
                                 int writerFlags, int readerFlags) {
            CallSitePolicy current = policy;
            if (current == null) {
                return classVisitor; // transformed before installation finished: nothing is listening yet
            }
            return new CallSiteClassVisitor(classVisitor, typePool, new ReturnTypeClassifier(typePool), current, sites,
                    current.trackFutures() ? RejectionHandlerVerdicts.shared().recorder(loader) : null);
        }
    }
}
