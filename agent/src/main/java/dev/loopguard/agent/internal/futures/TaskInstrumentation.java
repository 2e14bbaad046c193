package dev.loopguard.agent.internal.futures;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.loopguard.agent.internal.tasks.DetectorContext;
import dev.loopguard.agent.internal.tasks.TaskAdvice;
import java.lang.instrument.Instrumentation;
import java.util.Objects;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
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
 * the default unrun-task warning of core's {@code EventLoop}.
 */
public final class TaskInstrumentation {

    private static final String CF = "java.util.concurrent.CompletableFuture";

    private final DetectorContext context;
    private final CallSites sites = new CallSites();
    private final CallSitePolicy policy;
    private final FutureTracker tracker;

    private TaskInstrumentation(DetectorContext context, FutureInternals internals, TrackingLevel level,
                                boolean strict, Set<String> fireAndForget) {
        this.context = context;
        this.tracker = new FutureTracker(sites, context, internals, level, strict);
        this.policy = new CallSitePolicy(context::isApplicationClass, strict, fireAndForget,
                tracker.level() != TrackingLevel.OFF);
    }

    /**
     * Prepares the detectors. When this JDK's {@code CompletableFuture} cannot be read, tracking is turned off and
     * the reason reported through {@link DetectorContext#detectorFailed}; the bytecode-only rules stay on.
     */
    public static TaskInstrumentation create(Instrumentation instrumentation, DetectorContext context,
                                             TrackingLevel level, boolean strict, Set<String> fireAndForget) {
        Objects.requireNonNull(instrumentation, "instrumentation");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(fireAndForget, "fireAndForget");
        FutureInternals internals = null;
        if (level != TrackingLevel.OFF) {
            try {
                internals = FutureInternals.open(instrumentation);
            } catch (RuntimeException e) {
                context.detectorFailed(FutureTracker.DETECTOR, e);
            }
        }
        return new TaskInstrumentation(context, internals, level, strict, fireAndForget);
    }

    /** The tracking level in force (off when future internals could not be read). */
    public TrackingLevel level() {
        return tracker.level();
    }

    /** Adds this part's transformations to the agent's builder. */
    public AgentBuilder contribute(AgentBuilder builder) {
        AgentBuilder result = builder
                .type(applicationClasses())
                .transform((b, type, loader, module, domain) -> b.visit(new CallSiteWrapper()))
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
        if (tracker.level() == TrackingLevel.OFF) {
            return result;
        }
        return result
                .type(named(CF))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(FutureAdvice.NormalCompletion.class)
                                .on(namedOneOf("completeValue", "completeNull").and(returns(boolean.class))))
                        .visit(Advice.to(FutureAdvice.AnyCompletion.class)
                                .on(namedOneOf("internalComplete", "completeThrowable", "completeRelay")
                                        .and(returns(boolean.class))))
                        .visit(Advice.to(FutureAdvice.ForcedCompletion.class)
                                .on(namedOneOf("obtrudeValue", "obtrudeException")))
                        .visit(Advice.to(FutureAdvice.ObservingUse.class)
                                .on(not(isStatic()).and(namedOneOf("get", "join", "getNow", "resultNow",
                                        "exceptionNow", "isCompletedExceptionally", "state", "handle",
                                        "handleAsync", "whenComplete", "whenCompleteAsync", "exceptionally",
                                        "exceptionallyAsync", "exceptionallyCompose", "exceptionallyComposeAsync"))))
                        .visit(Advice.to(FutureAdvice.ChainingUse.class)
                                .on(not(isStatic()).and(namedOneOf("thenApply", "thenApplyAsync", "thenAccept",
                                        "thenAcceptAsync", "thenRun", "thenRunAsync", "thenCombine",
                                        "thenCombineAsync", "thenAcceptBoth", "thenAcceptBothAsync", "runAfterBoth",
                                        "runAfterBothAsync", "applyToEither", "applyToEitherAsync", "acceptEither",
                                        "acceptEitherAsync", "runAfterEither", "runAfterEitherAsync", "thenCompose",
                                        "thenComposeAsync", "copy", "minimalCompletionStage"))))
                        .visit(Advice.to(FutureAdvice.AllOrAny.class)
                                .on(isStatic().and(namedOneOf("allOf", "anyOf")))))
                .type(named("java.util.concurrent.FutureTask"))
                .transform((b, type, loader, module, domain) -> b.visit(
                        Advice.to(FutureAdvice.ForcedCompletion.class).on(named("finishCompletion"))));
    }

    /** Installs the handler behind the bridge and starts the reaper. */
    public void start() {
        tracker.start();
    }

    /** At JVM exit: reports failures still unobserved. */
    public void reportAtExit() {
        tracker.reportAtExit();
    }

    /** Stops tracking; the instrumentation stays but calls nothing. */
    public void stop() {
        tracker.stop();
    }

    FutureTracker tracker() {
        return tracker;
    }

    private ElementMatcher<TypeDescription> applicationClasses() {
        return type -> !type.isArray() && !type.isPrimitive() && context.isApplicationClass(type.getName());
    }

    /** Plugs the call-site rewriter into Byte Buddy's class writer, with the type pool of the class's loader. */
    private final class CallSiteWrapper implements AsmVisitorWrapper {
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
            return new CallSiteClassVisitor(classVisitor, typePool, new ReturnTypeClassifier(typePool), policy, sites);
        }
    }
}
