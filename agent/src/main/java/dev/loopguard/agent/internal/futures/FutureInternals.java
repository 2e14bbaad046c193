package dev.loopguard.agent.internal.futures;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Reads the state of a {@link CompletableFuture} without calling its public methods: those are instrumented (a call
 * to {@code isCompletedExceptionally} would count as observing the failure) and they cannot tell a dependent that
 * handles a failure ({@code whenComplete}) from one that only passes it on ({@code thenApply}).
 *
 * <p>Needs {@code java.util.concurrent} opened to the agent, which {@link #open(Instrumentation)} does with
 * {@link Instrumentation#redefineModule}; no JVM flag is needed. The fields read ({@code result}, {@code stack},
 * {@code Completion.next}, {@code AltResult.ex}) and the completion class names are the same from JDK 17 to 25.
 */
final class FutureInternals {

    /** What a dependent on a future's stack does with the future's failure. */
    enum Dependents {
        /** None that will ever fire for this future. */
        NONE,
        /** Only stages that pass the failure on ({@code thenApply}, {@code thenCombine}…). */
        PROPAGATING,
        /** At least one that sees the failure itself ({@code handle}, {@code whenComplete}, {@code exceptionally},
         *  a thread waiting in {@code get} or {@code join}). */
        HANDLING
    }

    private static final Set<String> HANDLING_COMPLETIONS = Set.of(
            "UniWhenComplete", "UniHandle", "UniExceptionally", "UniComposeExceptionally", "Signaller");

    // "Either" and anyOf completions are dropped from a loser's stack once the winner fired: they say nothing
    // about whether the loser's own callbacks wait on it.
    private static final Set<String> EITHER_COMPLETIONS = Set.of("OrApply", "OrAccept", "OrRun", "OrRelay", "AnyOf");

    private static final String CF = "java.util.concurrent.CompletableFuture";

    /** What each completion class on a future's stack means for a failure of that future. */
    private static final ClassValue<Dependents> COMPLETION_KINDS = new ClassValue<>() {
        @Override
        protected Dependents computeValue(Class<?> type) {
            String name = type.getSimpleName();
            if (HANDLING_COMPLETIONS.contains(name)) {
                return Dependents.HANDLING;
            }
            return EITHER_COMPLETIONS.contains(name) ? Dependents.NONE : Dependents.PROPAGATING;
        }
    };

    /**
     * The handles, in static finals of a class initialised only once {@link #open} has opened the package. A
     * {@link VarHandle} the JIT cannot see as a constant is not inlined: each access went through a generic method
     * handle call, which was most of what tracking cost per completion.
     */
    private static final class Handles {
        static final VarHandle RESULT;
        static final VarHandle STACK;
        static final VarHandle NEXT;
        static final VarHandle ALT_EX;
        static final Class<?> ALT_RESULT;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Class<?> completion = Class.forName(CF + "$Completion");
                ALT_RESULT = Class.forName(CF + "$AltResult");
                MethodHandles.Lookup cf = MethodHandles.privateLookupIn(CompletableFuture.class, lookup);
                RESULT = cf.findVarHandle(CompletableFuture.class, "result", Object.class);
                STACK = cf.findVarHandle(CompletableFuture.class, "stack", completion);
                NEXT = MethodHandles.privateLookupIn(completion, lookup).findVarHandle(completion, "next", completion);
                ALT_EX = MethodHandles.privateLookupIn(ALT_RESULT, lookup)
                        .findVarHandle(ALT_RESULT, "ex", Throwable.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The {@code dep} field (the stage's future) of the tasks an asynchronous stage hands its executor: the
     * completions ({@code thenApplyAsync} and kin) and {@code supplyAsync}/{@code runAsync}. Static finals for the
     * reason given at {@link Handles}; all null when this JDK lays them out otherwise, and stages are then named by a
     * stack capture instead.
     */
    private static final class StageHandles {
        static final Class<?> UNI_COMPLETION;
        static final VarHandle UNI_DEP;
        static final Class<?> ASYNC_SUPPLY;
        static final VarHandle SUPPLY_DEP;
        static final Class<?> ASYNC_RUN;
        static final VarHandle RUN_DEP;

        static {
            Class<?> uni = null;
            Class<?> supply = null;
            Class<?> run = null;
            VarHandle uniDep = null;
            VarHandle supplyDep = null;
            VarHandle runDep = null;
            try {
                uni = Class.forName(CF + "$UniCompletion");
                supply = Class.forName(CF + "$AsyncSupply");
                run = Class.forName(CF + "$AsyncRun");
                uniDep = depOf(uni);
                supplyDep = depOf(supply);
                runDep = depOf(run);
            } catch (ReflectiveOperationException | RuntimeException e) {
                uni = supply = run = null;
                uniDep = supplyDep = runDep = null;
            }
            UNI_COMPLETION = uni;
            ASYNC_SUPPLY = supply;
            ASYNC_RUN = run;
            UNI_DEP = uniDep;
            SUPPLY_DEP = supplyDep;
            RUN_DEP = runDep;
        }

        private static VarHandle depOf(Class<?> type) throws ReflectiveOperationException {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findVarHandle(type, "dep", CompletableFuture.class);
        }
    }

    /**
     * The future whose asynchronous stage {@code task} is (what {@code thenApplyAsync(fn, executor)} and kin, or
     * {@code supplyAsync}/{@code runAsync}, hand the executor); null for any other task, or once the stage ran.
     */
    static Object stageOf(Object task) {
        if (StageHandles.UNI_COMPLETION == null) {
            return null;
        }
        if (StageHandles.UNI_COMPLETION.isInstance(task)) {
            return StageHandles.UNI_DEP.get(task);
        }
        if (task.getClass() == StageHandles.ASYNC_SUPPLY) {
            return StageHandles.SUPPLY_DEP.get(task);
        }
        if (task.getClass() == StageHandles.ASYNC_RUN) {
            return StageHandles.RUN_DEP.get(task);
        }
        return null;
    }

    /**
     * The future of the stage on top of {@code future}'s stack, when that completion is a stage's ({@code thenApply},
     * {@code handle}, {@code thenCombine}... and their async forms); null otherwise. For a stage that the same
     * expression chained at once, which tracking leaves alone, this is the stage chained onto it: the only dependent
     * it can have, since nothing else ever held it.
     */
    static Object firstDependentOf(Object future) {
        if (StageHandles.UNI_COMPLETION == null || !(future instanceof CompletableFuture)) {
            return null;
        }
        Object top = Handles.STACK.getAcquire(future);
        return top != null && StageHandles.UNI_COMPLETION.isInstance(top) ? StageHandles.UNI_DEP.get(top) : null;
    }

    private FutureInternals() {
        Objects.requireNonNull(Handles.RESULT, "result handle"); // initialises the handles, or fails here
    }

    /**
     * Opens {@code java.util.concurrent} to this class's module and returns the reader.
     *
     * @throws IllegalStateException when this JDK's {@code CompletableFuture} does not have the expected fields
     */
    static FutureInternals open(Instrumentation instrumentation) {
        Module javaBase = CompletableFuture.class.getModule();
        Module self = FutureInternals.class.getModule();
        if (!javaBase.isOpen("java.util.concurrent", self)) {
            instrumentation.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.util.concurrent", Set.of(self)),
                    Set.of(), Map.of());
        }
        try {
            return new FutureInternals();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("this JDK's CompletableFuture (" + Runtime.version()
                    + ") does not have the fields future tracking reads", e);
        }
    }

    /** The raw result, null while pending. */
    Object rawResult(CompletableFuture<?> future) {
        return Handles.RESULT.getVolatile(future);
    }

    /**
     * The failure the future completed with, unwrapped from the {@link CompletionException} that stages add; null
     * when it is pending or completed normally.
     */
    Throwable failure(CompletableFuture<?> future) {
        Object r = rawResult(future);
        if (r == null || r.getClass() != Handles.ALT_RESULT) {
            return null;
        }
        Throwable ex = (Throwable) Handles.ALT_EX.get(r);
        return ex == null ? null : unwrap(ex);
    }

    /** The failure of a completed {@link java.util.concurrent.FutureTask}, or null. */
    static Throwable failure(java.util.concurrent.Future<?> task) {
        if (!task.isDone() || task.isCancelled()) {
            return null;
        }
        try {
            task.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (CancellationException e) {
            return null;
        }
    }

    /** What the future's current dependents do with a failure. */
    Dependents dependents(CompletableFuture<?> future) {
        Dependents found = Dependents.NONE;
        for (Object c = Handles.STACK.getVolatile(future); c != null; c = Handles.NEXT.getVolatile(c)) {
            Dependents kind = COMPLETION_KINDS.get(c.getClass());
            if (kind == Dependents.HANDLING) {
                return Dependents.HANDLING;
            }
            if (kind == Dependents.PROPAGATING) {
                found = Dependents.PROPAGATING;
            }
        }
        return found;
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** A timeout that {@code orTimeout} asked for: the caller chose that outcome, so it is not unobserved. */
    static boolean isRequestedTimeout(Throwable t) {
        if (!(t instanceof java.util.concurrent.TimeoutException)) {
            return false;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith(CF + "$Timeout")) {
                return true;
            }
        }
        return false;
    }
}
