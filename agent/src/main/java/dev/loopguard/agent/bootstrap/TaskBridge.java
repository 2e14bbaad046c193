package dev.loopguard.agent.bootstrap;

/**
 * The entry point that instrumented code calls for task and future tracking: rewritten call sites in application
 * classes and hooks woven into {@code CompletableFuture}, {@code FutureTask}, {@code ThreadPoolExecutor} and
 * {@code Thread}.
 *
 * <p>Injected into the bootstrap class loader so that JDK classes can call it; its signatures use JDK types only.
 * It holds no logic beyond fast-path checks: every call that gets past them goes to the {@link Handler} the agent
 * installed, and every failure of the handler is swallowed here, because instrumented application code must behave
 * exactly as it would without the agent. The calls into the handler are kept out of line ({@link OutOfLine}) so that
 * the checks in front of them stay small enough for the JIT to inline into the hooked methods.
 *
 * <p>The public fields are the fast-path switches that the hooks' entry points ({@code on...}) read before calling
 * in, so that a JVM with tracking off, with nothing tracked, or with no unobserved failure pending, pays a field read
 * or two per instrumented call.
 */
public final class TaskBridge {

    /**
     * How far {@link #watched} sits below zero while tracking is off: so far that the records counted into it can
     * never lift it above zero, and a hook reads that one field to learn both that tracking is on and that something
     * is watched.
     */
    private static final int OFF = 1 << 30;

    /** True while future tracking ({@code tasks=sampled|full}) is on; changed only through {@link #setTracking}. */
    private static volatile boolean tracking;

    /** How many failed futures wait to be observed; while zero, observation hooks do not call in at all. */
    public static volatile int unobservedFailures;

    /**
     * How many records the agent holds that a completion or a stage of a future can concern (tracked futures and
     * tasks, rejected tasks under suspicion), less {@link #OFF} while tracking is off; kept above zero for good at
     * {@code tasks=full}. While not positive, the hooks that cannot read a record field of their own ({@code FutureTask}
     * completions, forced and failed completions, {@code allOf}/{@code anyOf}) do not call in: at
     * {@code tasks=sampled} that is almost always, and a call per completion was the largest cost left (the JIT would
     * not inline the agent's side into {@code CompletableFuture}). One field rather than a count and a switch, because
     * each hook runs several times per future. The frequent {@code CompletableFuture} hooks read the future's record
     * field instead, and {@link #unmarkedConcerns}.
     */
    public static final java.util.concurrent.atomic.AtomicInteger watched =
            new java.util.concurrent.atomic.AtomicInteger(-OFF);

    /**
     * What can make the completion or a stage of a {@code CompletableFuture} that holds no record in its own record
     * field matter to the agent, less {@link #OFF} while tracking is off: records the agent keeps elsewhere (in its
     * hashed table, when this JVM's {@code CompletableFuture} has no record field), rejected tasks under suspicion, a
     * failure waiting to be observed (counted once, however many), and composed futures whose outcome an untracked
     * stage relays. The hooks on {@code CompletableFuture} pass the future's record field ({@code null} when it holds
     * none, or when the class has no field) and call in when it holds a record or when this is positive: a future
     * nothing tracks costs a field read and this read, even while other futures are tracked. Before, every completion
     * called in while any future was tracked (at {@code tasks=sampled}, on a loop whose pending futures include one
     * tracked future, every completion), and looked for its record there.
     */
    public static final java.util.concurrent.atomic.AtomicInteger unmarkedConcerns =
            new java.util.concurrent.atomic.AtomicInteger(-OFF);

    /** {@link #used}: a read that sees the failure ({@code join}, {@code get}, {@code isCompletedExceptionally}). */
    public static final int READ = 0;
    /** {@link #used}: a callback that sees the failure ({@code handle}, {@code whenComplete}, {@code exceptionally}). */
    public static final int HANDLE = 1;
    /** {@link #used}: a stage that passes the failure on ({@code thenApply}, {@code thenCompose}, {@code thenCombine}). */
    public static final int CHAIN = 2;
    /** {@link #used}: an "either" stage, which stops caring about this future once the other one completes. */
    public static final int EITHER = 3;
    /**
     * {@link #used}: {@code toCompletableFuture()}, which {@code thenCompose} calls on the future its function returned
     * before it relays that future's outcome to the composed stage.
     */
    public static final int COMPOSE = 4;

    /**
     * What {@link #created} reads: at {@code tasks=sampled}, the call sites past their first futures, whose futures
     * are tracked only while the sampling window is open; null while the window is open, and at other levels. The
     * agent marks a site in {@link #sampledSiteTable} once it has seen its first futures, so that {@link #created}
     * answers "not this one" for almost every future of a hot site without calling in; folding the window into this
     * one field saves a read per future.
     */
    private static volatile boolean[] sampledSites;

    /** The agent's marks, published in {@link #sampledSites} while the window is closed; guarded by the class. */
    private static boolean[] sampledSiteTable;

    /** Whether the sampling window is open; guarded by the class. */
    private static boolean windowOpen;

    private static volatile Handler handler;

    private TaskBridge() {
    }

    /** What the agent does with the calls; implemented outside the bootstrap class loader. */
    public interface Handler {
        void discarded(Object value, int site);

        void created(Object value, int site);

        void completed(Object future);

        void used(Object future, int use);

        void allOrAny(Object[] futures);

        void rejected(Runnable task, Object executor, Object policy);

        void unrunTasks(Object tasks, Object executor, int site);

        void uncaught(Thread thread, Throwable failure);

        /**
         * A {@code CompletableFuture} failed on the calling thread: an asynchronous stage's own failure, or one
         * passed on to a dependent stage. Called whether or not the future is tracked, because tracking may start
         * later (at its call site, once the pool thread already failed it) and must still name this thread.
         */
        default void failedHere(Object future) {
        }

        /**
         * Application code created {@code handler}, a lambda or method reference {@code RejectedExecutionHandler}
         * whose body is the method {@code implementation} ({@code Class#name(descriptor)}).
         */
        default void lambdaHandler(Object handler, String implementation) {
        }

        /** A rejection handler returned normally for {@code task}; only future tracking judges this. */
        default void rejectionReturned(Runnable task, Object executor, Object rejectionHandler) {
        }
    }

    /** Installs the handler; {@code null} removes it. */
    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    /** The result of the call at {@code site} was discarded (popped) by the caller. */
    public static void discarded(Object value, int site) {
        Handler h = handler;
        if (h != null) {
            try {
                h.discarded(value, site);
            } catch (Throwable ignored) {
                // the handler reports its own failures; the application must not see them
            }
        }
    }

    /**
     * Publishes the sampled-out call sites (see {@link #sampledSites}); the agent marks entries in place and publishes
     * a new array when it grows. {@code null} turns the shortcut off.
     */
    public static synchronized void sampleInWindows(boolean[] sites) {
        sampledSiteTable = sites;
        sampledSites = windowOpen ? null : sites;
    }

    /** The agent's sampling window opened or closed: while it is open, every future goes to the agent. */
    public static synchronized void windowChanged(boolean open) {
        windowOpen = open;
        sampledSites = open ? null : sampledSiteTable;
    }

    /** Turns future tracking on or off; while off, no completion or stage hook calls in, whatever is recorded. */
    public static synchronized void setTracking(boolean on) {
        if (on != tracking) {
            tracking = on;
            watched.addAndGet(on ? OFF : -OFF);
            unmarkedConcerns.addAndGet(on ? OFF : -OFF);
        }
    }

    /** Whether future tracking is on. */
    public static boolean isTracking() {
        return tracking;
    }

    /**
     * The call at {@code site} returned a future to application code; returns nothing so the stack is unchanged.
     * Runs for every such future, so it is kept small enough to be inlined into the call site.
     */
    public static void created(Object value, int site) {
        boolean[] sampled = sampledSites;
        if (sampled == null || site >= sampled.length || !sampled[site]) {
            createdOutOfLine(value, site); // a site not marked yet, or an open window: the agent decides
        }
    }

    @OutOfLine
    private static void createdOutOfLine(Object value, int site) {
        Handler h = handler;
        if (h != null && value != null) {
            try {
                h.created(value, site);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** A tracked kind of future was completed (normally, exceptionally or by cancellation). */
    @OutOfLine
    public static void completed(Object future) {
        Handler h = handler;
        if (h != null) {
            try {
                h.completed(future);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** Called from application code right after it created a lambda rejection handler ({@link Handler#lambdaHandler}). */
    public static void lambdaHandler(Object handler, String implementation) {
        Handler h = TaskBridge.handler;
        if (h != null && handler != null) {
            try {
                h.lambdaHandler(handler, implementation);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** A {@code CompletableFuture} failed on the calling thread ({@link Handler#failedHere}). */
    @OutOfLine
    public static void failedHere(Object future) {
        Handler h = handler;
        if (h != null) {
            try {
                h.failedHere(future);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** A future's result was read, or a callback or stage was attached to it; {@code use} says which. */
    @OutOfLine
    public static void used(Object future, int use) {
        Handler h = handler;
        if (h != null) {
            try {
                h.used(future, use);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** {@code CompletableFuture.allOf} or {@code anyOf} takes over observing these futures. */
    @OutOfLine
    public static void allOrAny(Object[] futures) {
        Handler h = handler;
        if (h != null && futures != null) {
            try {
                h.allOrAny(futures);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** A rejection policy returned normally for {@code task}. */
    public static void rejected(Runnable task, Object executor, Object policy) {
        Handler h = handler;
        if (h != null) {
            try {
                h.rejected(task, executor, policy);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** Tasks that an executor's shutdown handed back unrun; {@code site} is -1 when not at a known call site. */
    public static void unrunTasks(Object tasks, Object executor, int site) {
        Handler h = handler;
        if (h != null && tasks != null) {
            try {
                h.unrunTasks(tasks, executor, site);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** {@code ThreadPoolExecutor.reject} returned: {@code rejectionHandler} neither threw nor stopped the caller. */
    @OutOfLine
    public static void rejectionReturned(Runnable task, Object executor, Object rejectionHandler) {
        Handler h = handler;
        if (h != null) {
            try {
                h.rejectionReturned(task, executor, rejectionHandler);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    /** A thread is about to die of {@code failure}. */
    public static void uncaught(Thread thread, Throwable failure) {
        Handler h = handler;
        if (h != null) {
            try {
                h.uncaught(thread, failure);
            } catch (Throwable ignored) {
                // see discarded
            }
        }
    }

    // Entry points for woven code. Woven code never branches (branches would need new stack map frames), so the cheap
    // checks live here; each is small enough for the JIT to inline into the hooked method.

    /**
     * A {@code CompletableFuture} completion method returned {@code completed}; {@code record} is the future's record
     * field (see {@link #unmarkedConcerns}).
     */
    public static void onCompletion(boolean completed, Object future, Object record) {
        if (completed && concerns(record)) {
            completed(future);
        }
    }

    /**
     * Whether a hook on a {@code CompletableFuture} holding {@code record} (its record field) calls in: when the future
     * is tracked, or when something the field does not show may concern it. A record left over from a tracker that
     * stopped does not make it call in.
     */
    private static boolean concerns(Object record) {
        return record != null ? tracking : unmarkedConcerns.get() > 0;
    }

    /**
     * {@code completeThrowable}: the future failed on this thread. Failures are rare, so the agent hears of every one
     * (it remembers the thread for the report) and then of the completion as {@link #onCompletion} would tell it.
     */
    public static void onFailure(boolean completed, Object future) {
        if (completed) {
            failedHere(future);
            if (watched.get() > 0) {
                completed(future);
            }
        }
    }

    /** {@code obtrudeValue}, {@code obtrudeException}, {@code FutureTask.finishCompletion}. */
    public static void onForcedCompletion(Object future) {
        if (watched.get() > 0) {
            completed(future);
        }
    }

    /**
     * A read that sees a failure: {@code join}, {@code get}, {@code getNow} and {@code resultNow} as they throw it (a
     * hook on the way out by exception costs a successful read nothing), {@code exceptionNow},
     * {@code isCompletedExceptionally} and {@code state} as they start.
     */
    public static void onRead(Object future) {
        if (unobservedFailures != 0) {
            used(future, READ);
        }
    }

    /**
     * A callback that sees a failure: {@code handle}, {@code whenComplete}, {@code exceptionally}…; {@code record} is
     * the future's record field.
     */
    public static void onHandle(Object future, Object record) {
        if (concerns(record)) {
            used(future, HANDLE);
        }
    }

    /**
     * The same methods, returning: the callback is attached, and the future may have failed meanwhile without any
     * dependent to see it handled. Only while a failure waits to be observed, like a read.
     */
    public static void onHandled(Object future) {
        if (unobservedFailures != 0) {
            used(future, HANDLE);
        }
    }

    /** A stage that passes a failure on: {@code thenApply}, {@code thenCompose}…; {@code record} as for a callback. */
    public static void onChain(Object future, Object record) {
        if (concerns(record)) {
            used(future, CHAIN);
        }
    }

    /**
     * {@link #onChain} where the class has its record field: only a future holding a record matters to a stage there
     * (the agent learns nothing from a stage attached to a future it does not track, whatever else it watches), so a
     * stage on an untracked future costs the field read alone. {@link #onChain} is woven only into a
     * {@code CompletableFuture} loaded before the agent, whose tracked futures are in the agent's table.
     */
    public static void onTrackedChain(Object future, Object record) {
        if (record != null && tracking) {
            used(future, CHAIN);
        }
    }

    /**
     * {@code toCompletableFuture()}: {@code thenCompose} is about to take over the future its function returned. Only
     * for a tracked future (or while something its record field does not show is watched), like a stage; a future that
     * nothing tracks has nothing to hand over.
     */
    public static void onCompose(Object future, Object record) {
        if (concerns(record)) {
            used(future, COMPOSE);
        }
    }

    /** {@link #onCompose} where the class has its record field: as {@link #onTrackedChain}, only a tracked future. */
    public static void onTrackedCompose(Object future, Object record) {
        if (record != null && tracking) {
            used(future, COMPOSE);
        }
    }

    /** An "either" stage: {@code applyToEither}, {@code acceptEither}, {@code runAfterEither}. */
    public static void onEither(Object future) {
        if (unobservedFailures != 0) {
            used(future, EITHER);
        }
    }

    /** {@code allOf}, {@code anyOf}: the combined future takes over observing its inputs. */
    public static void onAllOrAny(Object[] futures) {
        if (watched.get() > 0) {
            allOrAny(futures);
        }
    }

    /**
     * {@code DiscardOldestPolicy.rejectedExecution}: the head of the queue is dropped (or the task, after shutdown).
     * {@code pool} is the {@code ThreadPoolExecutor}, typed {@code Object} here (as in {@link #onCallerRuns}) because
     * the agent lists the bridge's methods in {@code premain}, which loads every parameter type: a program that never
     * creates a pool should not load the class for the agent.
     */
    public static void onDiscardOldest(Object policy, Runnable task, Object pool) {
        try {
            java.util.concurrent.ThreadPoolExecutor executor = (java.util.concurrent.ThreadPoolExecutor) pool;
            if (executor.isShutdown()) {
                rejected(task, executor, policy);
            } else {
                Runnable oldest = executor.getQueue().peek();
                if (oldest != null) {
                    rejected(oldest, executor, policy);
                }
            }
        } catch (Throwable ignored) {
            // an executor subclass whose queue misbehaves is not the agent's business to report into
        }
    }

    /** {@code CallerRunsPolicy.rejectedExecution}: drops the task, silently, once the executor is shut down. */
    public static void onCallerRuns(Object policy, Runnable task, Object pool) {
        try {
            java.util.concurrent.ThreadPoolExecutor executor = (java.util.concurrent.ThreadPoolExecutor) pool;
            if (executor.isShutdown()) {
                rejected(task, executor, policy);
            }
        } catch (Throwable ignored) {
            // see onDiscardOldest
        }
    }

    /** {@code ThreadPoolExecutor.reject(task)} returned normally, with the executor's handler. */
    public static void onRejectionReturned(Object executor, Runnable task, Object rejectionHandler) {
        if (tracking) {
            rejectionReturned(task, executor, rejectionHandler);
        }
    }
}
