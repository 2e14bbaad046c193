package dev.loopguard.agent.internal.futures;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.Set;

/**
 * One call instruction in application code whose result matters to the agent, identified when its class was
 * instrumented. Its {@link #id()} is the constant the rewritten instruction passes to the bridge, so finding the site
 * at run time costs an array read instead of a stack walk.
 */
final class CallSite {

    /** What the instruction does with the call's result, and so what the agent does at run time. */
    enum Disposition {
        /** A lazy publisher dropped: always an IGNORED_FUTURE. */
        DROPPED_PUBLISHER(true),
        /** An eager future from an application method dropped: an IGNORED_FUTURE. */
        DROPPED_APPLICATION_FUTURE(true),
        /** A JDK or framework future dropped: an IGNORED_FUTURE with {@code ignoredFutures=strict}; otherwise only
         *  remembered as the place where a later unobserved failure was dropped. */
        DROPPED_FRAMEWORK_FUTURE(false),
        /** {@code shutdownNow()}'s list of never-run tasks dropped. */
        DROPPED_UNRUN_TASKS(false),
        /** A future returned to application code, kept: tracked from here. */
        RETURNED_FUTURE(false);

        private final boolean alwaysReported;

        Disposition(boolean alwaysReported) {
            this.alwaysReported = alwaysReported;
        }

        boolean alwaysReported() {
            return alwaysReported;
        }
    }

    private static final String COMPLETABLE_FUTURE = "java.util.concurrent.CompletableFuture";
    /** {@code CompletableFuture}'s static factories: each returns a future that did not exist before the call. */
    private static final Set<String> NEW_FUTURE_FACTORIES = Set.of("supplyAsync", "runAsync", "allOf", "anyOf",
            "completedFuture", "failedFuture");
    /**
     * {@code CompletableFuture}'s instance methods that, as the JDK implements them, return a new future (never
     * {@code this}, unlike {@code orTimeout} or {@code toCompletableFuture}). A subclass may override them, so
     * the answer holds only for a result of class {@code CompletableFuture} itself.
     */
    private static final Set<String> NEW_STAGE_METHODS = Set.of("thenApply", "thenApplyAsync", "thenAccept",
            "thenAcceptAsync", "thenRun", "thenRunAsync", "thenCombine", "thenCombineAsync", "thenAcceptBoth",
            "thenAcceptBothAsync", "runAfterBoth", "runAfterBothAsync", "applyToEither", "applyToEitherAsync",
            "acceptEither", "acceptEitherAsync", "runAfterEither", "runAfterEitherAsync", "thenCompose",
            "thenComposeAsync", "handle", "handleAsync", "whenComplete", "whenCompleteAsync", "exceptionally",
            "exceptionallyAsync", "exceptionallyCompose", "exceptionallyComposeAsync", "copy", "newIncompleteFuture");

    private final int id;
    private final String callerClass;
    private final String callerMethod;
    private final String sourceFile;
    private final int line;
    private final String calleeClass;
    private final String calleeMethod;
    private final String returnType;
    private final Disposition disposition;
    /** Built once: event-loop task following asks for it for every asynchronous stage it follows. */
    private final StackTraceElement element;
    /** The call always returns an object that did not exist before it: a constructor or a static factory. */
    private final boolean alwaysNew;
    /** The call returns a new future when the result is a plain {@code CompletableFuture}: a JDK stage method. */
    private final boolean newWhenPlainFuture;

    CallSite(int id, String callerClass, String callerMethod, String sourceFile, int line, String calleeClass,
             String calleeMethod, String returnType, Disposition disposition) {
        this.id = id;
        this.callerClass = Objects.requireNonNull(callerClass, "callerClass");
        this.callerMethod = Objects.requireNonNull(callerMethod, "callerMethod");
        this.sourceFile = sourceFile;
        this.line = line;
        this.calleeClass = Objects.requireNonNull(calleeClass, "calleeClass");
        this.calleeMethod = Objects.requireNonNull(calleeMethod, "calleeMethod");
        this.returnType = Objects.requireNonNull(returnType, "returnType");
        this.disposition = Objects.requireNonNull(disposition, "disposition");
        this.element = new StackTraceElement(callerClass, callerMethod, sourceFile, line);
        boolean completableFuture = COMPLETABLE_FUTURE.equals(calleeClass);
        this.alwaysNew = "<init>".equals(calleeMethod) || completableFuture && NEW_FUTURE_FACTORIES.contains(calleeMethod);
        this.newWhenPlainFuture = completableFuture && NEW_STAGE_METHODS.contains(calleeMethod);
    }

    int id() { return id; }

    Disposition disposition() { return disposition; }

    /**
     * Whether {@code result}, returned by this call, cannot have been seen before: a new object from a constructor
     * or a factory, or a new stage from the JDK's {@code CompletableFuture}. Tracking then skips the look-up for an
     * existing record, a probe that almost always misses.
     */
    boolean returnedNew(Object result) {
        return alwaysNew || newWhenPlainFuture && result.getClass() == CompletableFuture.class;
    }

    /** The public API that was called, {@code com.acme.Repo.save}. */
    String operation() {
        return calleeClass + "." + calleeMethod;
    }

    /** The call as a message names it: {@code com.acme.Repo.save}, or {@code new java.util.concurrent.CompletableFuture}. */
    String description() {
        return "<init>".equals(calleeMethod) ? "new " + calleeClass : operation();
    }

    /** The declared return type, {@code reactor.core.publisher.Mono}. */
    String returnType() { return returnType; }

    /** The caller's frame as {@link StackTraceElement#toString()} renders it: {@code com.acme.Pump.run(Pump.java:41)}. */
    String frame() {
        return element.toString();
    }

    /** Same as {@link #frame()}, as a stack trace element (immutable, so shared). */
    StackTraceElement element() {
        return element;
    }

    /** The short form used in messages: {@code Pump.java:41}. */
    String shortLocation() {
        String file = sourceFile != null ? sourceFile : callerClass.substring(callerClass.lastIndexOf('.') + 1);
        return line > 0 ? file + ":" + line : file;
    }

    @Override
    public String toString() {
        return disposition + " " + operation() + " at " + frame();
    }
}
