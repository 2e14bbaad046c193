package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.tasks.RejectedTasks;
import dev.loopguard.agent.internal.tasks.RejectionHandlerVerdicts;
import dev.loopguard.agent.internal.tasks.SamplingWindow;
import dev.loopguard.agent.internal.tasks.SiteSampler;
import dev.loopguard.agent.internal.tasks.TrackingLevel;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.bootstrap.TaskBridge;
import dev.loopguard.agent.internal.TestScopes;
import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.tasks.LostTasks;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The run-time half of IGNORED_FUTURE, UNHANDLED_FAILURE and LOST_TASK for futures: receives the bridge calls of
 * rewritten call sites and of the hooks in {@code CompletableFuture} and {@code FutureTask}, keeps weak records of
 * the tracked futures, and judges each record when its future becomes unreachable or the JVM exits.
 *
 * <p>Rules, in short:
 * <ul>
 *   <li>a failure is reported only at the <em>leaf</em> of a chain: a failed future whose dependents pass the
 *       failure on is not reported (the dependent that fails last is); one whose dependents handle it, or that
 *       somebody reads later ({@code join}, {@code exceptionally}…), is observed, and so is every other future that
 *       failed with the same exception;</li>
 *   <li>cancellation and a timeout requested with {@code orTimeout} are outcomes somebody chose, not failures;</li>
 *   <li>a pending future that callbacks wait on and that becomes unreachable is a LOST_TASK: nothing can complete
 *       it any more;</li>
 *   <li>a {@code FutureTask} dropped at its call site that fails is reported at once: nobody can ever read it.</li>
 * </ul>
 */
public final class FutureTracker implements TaskBridge.Handler {

    static final String DETECTOR = "futures";
    /** At {@code sampled}, how many tracked futures are looked up by scanning rather than by identity hash. */
    static final int FEW_TRACKED = 16;

    /**
     * How far {@link #stageSiteOf} follows a chain of stages chained at once to a tracked one; a longer chain's task
     * is named by a stack capture, like any task whose stage is not tracked.
     */
    private static final int CHAIN_STEPS = 8;

    private final CallSites sites;
    private final DetectorContext context;
    private final LostTasks lostTasks;
    private final RejectedTasks rejectedTasks;
    private final FutureInternals internals;
    private final TrackingLevel level;
    private final boolean strict;
    private final SamplingWindow window;
    private final SiteSampler sampler;
    /**
     * Tracked {@code CompletableFuture}s: found through the field the agent added to the class ({@link RecordField})
     * when it could, else by identity hash.
     */
    private final FutureRecords table;
    /**
     * Tracked {@code FutureTask}s dropped at a call site, apart from the futures: one such task that never completes
     * (a periodic schedule) would otherwise keep the futures' table non-empty, and every completion and stage of
     * every {@code CompletableFuture} would pay for an identity hash and a look-up.
     */
    private final FutureTable tasks;
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Map<Throwable, Boolean> observedFailures = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * The thread each recently failed {@code CompletableFuture} failed on, for futures judged later on another thread
     * (tracked at their call site after a pool thread had already failed them). Weak keys; bounded by
     * {@link #FAILURE_THREADS_LIMIT}, past which the oldest knowledge is dropped and the judging thread is named.
     */
    private final Map<Object, String> failureThreads = Collections.synchronizedMap(new WeakHashMap<>());
    static final int FAILURE_THREADS_LIMIT = 4096;
    /**
     * The record that last failed with each unobserved failure, so that a failure {@code thenCompose} relayed from the
     * future its function returned to the composed stage is reported once, by the stage. Guarded by itself.
     */
    private final Map<Throwable, TrackedFuture> failedWith = new WeakHashMap<>();
    /**
     * Tracked futures marked {@link TrackedFuture#COMPOSED} and still in the table: while there are none and no failure
     * waits to be observed, an untracked future's failure cannot concern a tracked one, and its completions and
     * handlers cost nothing more than before.
     */
    private final AtomicInteger composedPending = new AtomicInteger();
    /** Whether {@link #table} keeps records in the futures' own field, which the completion hooks read. */
    private final boolean recordField;
    private final Object counterLock = new Object();
    private final Object reportedLock = new Object();
    private boolean[] reportedSites = new boolean[256];
    private volatile Thread reaper;
    private volatile boolean failed;

    FutureTracker(CallSites sites, DetectorContext context, FutureInternals internals, TrackingLevel level,
                  boolean strict) {
        this(sites, context, internals, level, strict, new SamplingWindow());
    }

    /** @param window shared with the event-loop task following, so that both sample in the same windows */
    FutureTracker(CallSites sites, DetectorContext context, FutureInternals internals, TrackingLevel level,
                  boolean strict, SamplingWindow window) {
        this.sites = Objects.requireNonNull(sites, "sites");
        this.context = Objects.requireNonNull(context, "context");
        this.lostTasks = new LostTasks(context);
        this.rejectedTasks = new RejectedTasks(context);
        this.internals = internals;
        this.level = internals == null ? TrackingLevel.OFF : Objects.requireNonNull(level, "level");
        this.strict = strict;
        this.window = Objects.requireNonNull(window, "window");
        this.sampler = new SiteSampler(this.level, window);
        // Sampling keeps few futures tracked at a time: scanning them beats hashing every future asked about.
        int fewLimit = this.level == TrackingLevel.SAMPLED ? FEW_TRACKED : 0;
        // At sampled the tables keep the bridge's count, so that hooks skip the agent while nothing is tracked; at
        // full something always is, and start() pins the count instead of paying two atomic updates per future.
        IntConsumer watch = this.level == TrackingLevel.SAMPLED ? new WatchedCount() : new Unwatched();
        this.recordField = internals != null && RecordField.present();
        // Without the record field, the completion hooks cannot see that a future is tracked: the records count for
        // them too (TaskBridge.unmarkedConcerns).
        this.table = recordField ? RecordFieldStore.inCompletableFutures(watch)
                : new FutureTable(fewLimit, this.level == TrackingLevel.SAMPLED ? new UnmarkedRecords() : watch);
        this.tasks = new FutureTable(fewLimit, watch);
    }

    // Named classes rather than lambdas and method references: each would spin a class when tracking starts.

    /** Counts the records for the hooks that do not read a record field ({@code tasks=sampled}). */
    private static final class WatchedCount implements IntConsumer {
        @Override
        public void accept(int delta) {
            TaskBridge.watched.addAndGet(delta);
        }
    }

    /** At {@code tasks=full} the count is pinned by {@link #start()} instead. */
    private static final class Unwatched implements IntConsumer {
        @Override
        public void accept(int delta) {
            // nothing to count
        }
    }

    /** Publishes the sampled-out call sites to the bridge. */
    private static final class SampledSitesToBridge implements java.util.function.Consumer<boolean[]> {
        @Override
        public void accept(boolean[] sites) {
            TaskBridge.sampleInWindows(sites);
        }
    }

    /** The reaper thread's body. */
    private static final class Reaper implements Runnable {
        private final FutureTracker tracker;

        Reaper(FutureTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public void run() {
            tracker.reap();
        }
    }

    /** Counts the records of the hashed table for the hooks that read a record field, and for the others. */
    private static final class UnmarkedRecords implements IntConsumer {
        @Override
        public void accept(int delta) {
            TaskBridge.watched.addAndGet(delta);
            TaskBridge.unmarkedConcerns.addAndGet(delta);
        }
    }

    TrackingLevel level() {
        return level;
    }

    /** Installs this tracker behind the bridge and starts the reaper thread. */
    void start() {
        TaskBridge.install(this);
        if (level == TrackingLevel.SAMPLED) {
            window.mirrorToBridge();
            sampler.publishTo(new SampledSitesToBridge());
        }
        if (level != TrackingLevel.OFF) {
            Thread t = new Thread(new Reaper(this), "loopguard-future-reaper");
            t.setDaemon(true);
            reaper = t;
            t.start();
            TaskBridge.setTracking(true);
        }
        if (level == TrackingLevel.FULL) {
            TaskBridge.watched.incrementAndGet();
            if (!recordField) {
                TaskBridge.unmarkedConcerns.incrementAndGet();
            }
        }
    }

    /** Uninstalls from the bridge and stops the reaper (tests, and agent shutdown). */
    void stop() {
        TaskBridge.setTracking(false);
        TaskBridge.sampleInWindows(null);
        if (level == TrackingLevel.FULL && reaper != null) {
            TaskBridge.watched.decrementAndGet();
            if (!recordField) {
                TaskBridge.unmarkedConcerns.decrementAndGet();
            }
        }
        TaskBridge.install(null);
        rejectedTasks.stop();
        Thread t = reaper;
        reaper = null;
        if (t != null) {
            t.interrupt();
        }
        synchronized (counterLock) {
            if (TaskBridge.unobservedFailures != 0) {
                TaskBridge.unmarkedConcerns.decrementAndGet();
            }
            TaskBridge.unobservedFailures = 0;
        }
    }

    // ------------------------------------------------------------------------------------------ bridge calls

    @Override
    public void discarded(Object value, int siteId) {
        CallSite site = sites.get(siteId);
        if (site == null || failed) {
            return;
        }
        try {
            switch (site.disposition()) {
                case DROPPED_UNRUN_TASKS:
                    lostTasks.unrunDropped(value, site.frame(), site.operation());
                    return;
                case DROPPED_FRAMEWORK_FUTURE:
                    if (strict) {
                        reportIgnoredOnce(site);
                    }
                    break;
                default:
                    reportIgnoredOnce(site);
            }
            if (value instanceof FutureTask && level != TrackingLevel.OFF) {
                trackDroppedTask((FutureTask<?>) value, site);
            } else if (value instanceof CompletableFuture && level != TrackingLevel.OFF) {
                CompletableFuture<?> future = (CompletableFuture<?>) value;
                TrackedFuture record = table.find(future);
                if (record == null && sampler.track(siteId)) {
                    record = track(future, siteId);
                }
                if (record != null) {
                    record.droppedAt(siteId);
                    judgeIfDone(future, record);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    /**
     * Every future application code gets back from a call passes here, so the common case is kept small enough for
     * the JIT to inline into the call site: the sampling decision, which at {@code tasks=sampled} says no to almost
     * every future with two reads.
     */
    @Override
    public void created(Object value, int siteId) {
        if (sampler.track(siteId)) {
            createdSampled(value, siteId);
        }
    }

    private void createdSampled(Object value, int siteId) {
        if (failed || !(value instanceof CompletableFuture)) {
            return;
        }
        try {
            CompletableFuture<?> future = (CompletableFuture<?>) value;
            CallSite site = sites.get(siteId);
            if ((site == null || !site.returnedNew(future)) && table.find(future) != null) {
                return; // the same future, returned again (an application method that hands out a field)
            }
            judgeIfDone(future, track(future, siteId));
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    /**
     * A future completed while something is tracked: the bridge does not call in while nothing is
     * ({@code TaskBridge.watched}).
     */
    @Override
    public void completed(Object value) {
        rejectedTasks.completed(value);
        FutureRecords records = value instanceof FutureTask ? tasks : table;
        if (failed) {
            return;
        }
        try {
            TrackedFuture record = records.find(value);
            if (record == null) {
                if (value instanceof CompletableFuture && mayConcernTracked()) {
                    observeIfHandled((CompletableFuture<?>) value);
                }
                return;
            }
            if (value instanceof CompletableFuture) {
                judgeIfDone((CompletableFuture<?>) value, record);
            } else if (value instanceof FutureTask) {
                judgeDroppedTask((FutureTask<?>) value, record);
            }
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    @Override
    public void lambdaHandler(Object handler, String implementation) {
        RejectionHandlerVerdicts.shared().lambdaCreated(handler.getClass(), implementation);
    }

    @Override
    public void failedHere(Object future) {
        failedOn(future, Thread.currentThread().getName());
    }

    /** {@link #failedHere}, heard by task tracking before this tracker started, on the thread named. */
    void failedOn(Object future, String threadName) {
        if (failed || level == TrackingLevel.OFF) {
            return;
        }
        synchronized (failureThreads) {
            if (failureThreads.size() >= FAILURE_THREADS_LIMIT) {
                failureThreads.clear();
            }
            failureThreads.put(future, threadName);
        }
    }

    /**
     * A read, callback or stage on a future. Attaching a callback or a stage to a pending future is what makes its
     * loss matter (LOST_TASK); on a failed one, a read or handling callback observes the failure, and a stage takes
     * over as the leaf that will report it.
     */
    @Override
    public void used(Object value, int use) {
        if (failed) {
            return;
        }
        try {
            TrackedFuture record = table.find(value);
            if (record == null) {
                if ((use == TaskBridge.READ || use == TaskBridge.HANDLE) && value instanceof CompletableFuture
                        && mayConcernTracked()) {
                    observeIfFailed((CompletableFuture<?>) value);
                }
                return;
            }
            if (use == TaskBridge.COMPOSE) {
                // Not a stage of its own: the composed stage relays the outcome, and judgeIfDone settles which of
                // the two reports a failure they share.
                if (record.mark(TrackedFuture.COMPOSED)) {
                    composedChanged(1);
                }
                if (value instanceof CompletableFuture) {
                    // Judged here if it failed on another thread that has not judged it yet: the stage is about to
                    // read its result, and whoever handles the stage's failure must find it waiting to be observed.
                    judgeIfDone((CompletableFuture<?>) value, record);
                }
                return;
            }
            if (record.is(TrackedFuture.FAILED)) {
                if (use == TaskBridge.READ || use == TaskBridge.HANDLE) {
                    observedFailures.put(record.failure(), Boolean.TRUE);
                }
                forget(record);
            } else if ((use == TaskBridge.HANDLE || use == TaskBridge.CHAIN) && !record.is(TrackedFuture.WAITED_ON)
                    && value instanceof CompletableFuture && internals.rawResult((CompletableFuture<?>) value) == null) {
                record.mark(TrackedFuture.WAITED_ON);
            }
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    @Override
    public void allOrAny(Object[] futures) {
        if (failed) {
            return;
        }
        try {
            for (Object future : futures) {
                TrackedFuture record = future == null ? null : table.find(future);
                if (record == null) {
                    continue;
                }
                record.mark(TrackedFuture.OBSERVED);
                if (record.is(TrackedFuture.FAILED)) {
                    observedFailures.put(record.failure(), Boolean.TRUE);
                    forget(record);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    @Override
    public void rejected(Runnable task, Object executor, Object policy) {
        lostTasks.dropped(task, executor, policy);
    }

    @Override
    public void unrunTasks(Object tasks, Object executor, int siteId) {
        if (siteId >= 0) {
            CallSite site = sites.get(siteId);
            if (site != null) {
                lostTasks.unrunDropped(tasks, site.frame(), site.operation());
            }
        } else if (tasks instanceof List) {
            lostTasks.loopClosedWithUnrunTasks(executor, (List<?>) tasks);
        }
    }

    @Override
    public void uncaught(Thread thread, Throwable failure) {
        lostTasks.uncaught(thread, failure);
    }

    @Override
    public void rejectionReturned(Runnable task, Object executor, Object rejectionHandler) {
        if (level != TrackingLevel.OFF) {
            rejectedTasks.handlerReturned(task, executor, rejectionHandler);
        }
    }

    // ------------------------------------------------------------------------------------------ tracking

    private TrackedFuture track(Object future, int siteId) {
        TrackedFuture record = new TrackedFuture(future, siteId,
                Thread.currentThread().getName(), queue);
        table.add(record);
        return record;
    }

    private TrackedFuture trackTask(FutureTask<?> task, int siteId) {
        TrackedFuture record = new TrackedFuture(task, siteId,
                Thread.currentThread().getName(), queue);
        record.mark(TrackedFuture.TASK); // before it is published in the table
        tasks.add(record);
        return record;
    }

    private FutureRecords tableOf(TrackedFuture record) {
        return record.is(TrackedFuture.TASK) ? tasks : table;
    }

    /** Judges a future that may have completed; a pending one is left for later. */
    private void judgeIfDone(CompletableFuture<?> future, TrackedFuture record) {
        if (internals.rawResult(future) == null) {
            return;
        }
        Throwable failure = internals.failure(future);
        if (failure == null || failure instanceof CancellationException || FutureInternals.isRequestedTimeout(failure)) {
            forget(record);
            return;
        }
        if (record.is(TrackedFuture.FAILED)) {
            return;
        }
        FutureInternals.Dependents dependents = internals.dependents(future);
        if (dependents == FutureInternals.Dependents.HANDLING || record.is(TrackedFuture.OBSERVED)) {
            observedFailures.put(failure, Boolean.TRUE);
            forget(record);
        } else if (dependents == FutureInternals.Dependents.PROPAGATING || observedFailures.containsKey(failure)) {
            forget(record);
        } else {
            // One failure, one finding: when thenCompose relayed the failure of the future its function returned
            // (marked COMPOSED) to the composed stage, both fail with the same exception and neither is a dependent
            // of the other; the stage is the leaf. Either may be judged first, on different threads.
            String failedOn = failureThreads.remove(future);
            TrackedFuture passedOn = null;
            boolean newlyFailed = false;
            synchronized (failedWith) {
                TrackedFuture other = failedWith.get(failure);
                if (other != null && other != record && other.is(TrackedFuture.FAILED)) {
                    if (record.is(TrackedFuture.COMPOSED) && !other.is(TrackedFuture.COMPOSED)) {
                        passedOn = record; // judged late: the stage that took its failure over failed already
                    } else if (other.is(TrackedFuture.COMPOSED)) {
                        passedOn = other; // this stage took over the failure of the future it composed
                    }
                }
                if (passedOn != record) {
                    synchronized (record) {
                        newlyFailed = record.mark(TrackedFuture.FAILED);
                        record.failedWith(failure, failedOn != null ? failedOn : Thread.currentThread().getName());
                    }
                    failedWith.put(failure, record);
                }
            }
            if (newlyFailed) {
                adjustUnobserved(1);
            }
            if (passedOn != null) {
                forget(passedOn);
            }
        }
    }

    /**
     * An untracked future was read or handled: if it failed, its failure is observed, and so is every tracked future
     * that failed with the same exception (the future a {@code thenCompose} function returned, whose failure reached
     * the composed stage by a relay that leaves no dependent behind).
     */
    private void observeIfFailed(CompletableFuture<?> future) {
        Throwable failure = internals.failure(future);
        if (failure != null) {
            observedFailures.put(failure, Boolean.TRUE);
        }
    }

    /** An untracked future completed: a failure that a dependent handles is observed (see {@link #observeIfFailed}). */
    private void observeIfHandled(CompletableFuture<?> future) {
        Throwable failure = internals.failure(future);
        if (failure != null && internals.dependents(future) == FutureInternals.Dependents.HANDLING) {
            observedFailures.put(failure, Boolean.TRUE);
        }
    }

    private void trackDroppedTask(FutureTask<?> task, CallSite site) {
        TrackedFuture record = tasks.find(task);
        if (record == null) {
            record = trackTask(task, site.id());
        }
        record.droppedAt(site.id());
        judgeDroppedTask(task, record);
    }

    private void judgeDroppedTask(FutureTask<?> task, TrackedFuture record) {
        if (!task.isDone()) {
            return;
        }
        Throwable failure = FutureInternals.failure(task);
        if (forget(record) && failure != null) {
            record.failedWith(failure, Thread.currentThread().getName());
            reportUnhandled(record);
        }
    }

    /** Drops the record; false when somebody else already did. */
    private boolean forget(TrackedFuture record) {
        boolean removed = tableOf(record).remove(record);
        if (removed) {
            record.untracked();
        }
        // Not Reference.clear(): on JDK 17 it is a native call, paid per completed future at tasks=full. A forgotten
        // record is garbage as soon as the table lets go of it; if the collector still queues it, the reaper finds
        // it missing from the table and skips it.
        if (removed) {
            if (record.is(TrackedFuture.FAILED)) {
                adjustUnobserved(-1);
                releaseFailure(record);
            }
            if (record.is(TrackedFuture.COMPOSED)) {
                composedChanged(-1);
            }
        }
        return removed;
    }

    /** Whether an untracked future's failure may be one a tracked future shares (see {@link #composedPending}). */
    private boolean mayConcernTracked() {
        return TaskBridge.unobservedFailures != 0 || composedPending.get() > 0;
    }

    /** Lets the failure of a record that is judged go: the map's value would otherwise keep its key alive. */
    private void releaseFailure(TrackedFuture record) {
        Throwable failure = record.failure();
        if (failure != null) {
            synchronized (failedWith) {
                failedWith.remove(failure, record);
            }
        }
    }

    private void adjustUnobserved(int delta) {
        synchronized (counterLock) {
            int before = TaskBridge.unobservedFailures;
            int after = Math.max(0, before + delta);
            if (before == 0 && after > 0) {
                TaskBridge.unmarkedConcerns.incrementAndGet(); // before the count: the hooks must see both
            }
            TaskBridge.unobservedFailures = after;
            if (before > 0 && after == 0) {
                TaskBridge.unmarkedConcerns.decrementAndGet();
            }
        }
    }

    /**
     * A composed record was marked or dropped: while any is pending, an untracked stage's completion may relay its
     * failure, so the completion hooks call in for futures without a record too.
     */
    private void composedChanged(int delta) {
        if (delta > 0) {
            TaskBridge.unmarkedConcerns.incrementAndGet(); // before the count, as above
            composedPending.incrementAndGet();
        } else {
            composedPending.decrementAndGet();
            TaskBridge.unmarkedConcerns.decrementAndGet();
        }
    }

    // ------------------------------------------------------------------------------------------ judging

    private void reap() {
        while (reaper == Thread.currentThread()) {
            try {
                Reference<?> ref = queue.remove();
                while (ref != null) {
                    judgeUnreachable((TrackedFuture) ref);
                    ref = queue.poll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                fail(e);
                return;
            }
        }
    }

    /** Judges a record whose future the collector found unreachable. */
    void judgeUnreachable(TrackedFuture record) {
        if (!tableOf(record).remove(record)) {
            return;
        }
        try {
            if (record.is(TrackedFuture.COMPOSED)) {
                composedChanged(-1);
            }
            if (record.is(TrackedFuture.FAILED)) {
                adjustUnobserved(-1);
                releaseFailure(record);
                if (!observedFailures.containsKey(record.failure())) {
                    reportUnhandled(record);
                }
            } else if (record.is(TrackedFuture.WAITED_ON) && !record.is(TrackedFuture.TASK)) {
                reportLost(record);
            }
        } finally {
            // After the verdict is recorded: a test settling on its scope's records waits until then.
            record.untracked();
        }
    }

    /** Processes every record the collector already cleared; for tests that force a collection. */
    void drainQueue() {
        for (Reference<?> ref = queue.poll(); ref != null; ref = queue.poll()) {
            judgeUnreachable((TrackedFuture) ref);
        }
    }

    /** At JVM exit: failures still unobserved will never be observed now. */
    public void reportAtExit() {
        if (level == TrackingLevel.OFF) {
            return;
        }
        drainQueue();
        rejectedTasks.reportCleared();
        List<TrackedFuture> all = new ArrayList<>(table.snapshot());
        all.addAll(tasks.snapshot());
        for (TrackedFuture record : all) {
            if (record.is(TrackedFuture.FAILED) && forget(record) && !observedFailures.containsKey(record.failure())) {
                reportUnhandled(record);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ findings

    private void reportIgnoredOnce(CallSite site) {
        synchronized (reportedLock) {
            if (site.id() >= reportedSites.length) {
                reportedSites = Arrays.copyOf(reportedSites, Math.max(site.id() + 1, reportedSites.length * 2));
            }
            if (reportedSites[site.id()]) {
                return;
            }
            reportedSites[site.id()] = true;
        }
        String type = simpleName(site.returnType());
        String thread = Thread.currentThread().getName();
        String message;
        String advice;
        switch (site.disposition()) {
            case DROPPED_PUBLISHER:
                message = "The " + type + " returned by " + site.operation() + " at " + site.shortLocation()
                        + " on thread '" + thread + "' is dropped: nothing subscribes to it, so its work never runs "
                        + "(Java's 'coroutine was never awaited').";
                advice = "Return it, compose it into the chain (then, flatMap), or subscribe to it with an error "
                        + "handler.";
                break;
            case DROPPED_APPLICATION_FUTURE:
                message = "The " + type + " returned by " + site.operation() + " at " + site.shortLocation()
                        + " on thread '" + thread + "' is dropped: the caller goes on before the work is done, and "
                        + "its failure is lost.";
                advice = "Return or join the future, or chain .exceptionally(...) to handle its failure; mark the "
                        + "method @FireAndForget or list it in fireAndForget= if dropping it is intended.";
                break;
            default:
                message = "The " + type + " returned by " + site.operation() + " at " + site.shortLocation()
                        + " on thread '" + thread + "' is dropped (reported because ignoredFutures=strict): its "
                        + "failure can only surface as an unhandled failure.";
                advice = "Keep the future and handle its outcome (whenComplete, exceptionally), or list the method "
                        + "in fireAndForget=.";
        }
        context.record(Finding.builder(FindingKind.IGNORED_FUTURE)
                .thread(thread)
                .message(message)
                .site(site.frame())
                .stack(List.of(site.frame()))
                .operation(site.operation())
                .returnType(site.returnType())
                .advice(advice)
                .controller(context.currentController())
                .build());
    }

    /** Charges the finding to the scope the future was created in, wherever and whenever it is judged. */
    private void reportUnhandled(TrackedFuture record) {
        TestScopes.Scope previous = TestScopes.charge(record.scope);
        try {
            recordUnhandled(record);
        } finally {
            TestScopes.endCharge(previous);
        }
    }

    private void recordUnhandled(TrackedFuture record) {
        CallSite created = sites.get(record.site);
        CallSite dropped = record.discardSite() >= 0 ? sites.get(record.discardSite()) : null;
        Throwable failure = record.failure();
        String createdAt = created == null ? null : created.frame();
        StringBuilder message = new StringBuilder();
        boolean task = record.is(TrackedFuture.TASK);
        message.append(task ? "A task submitted" : "A future created");
        if (created != null) {
            message.append(" by ").append(created.description()).append(" at ").append(created.shortLocation());
        }
        message.append(" failed with ").append(failure.getClass().getName());
        if (failure.getMessage() != null) {
            message.append(": ").append(failure.getMessage());
        }
        message.append(" on thread '").append(record.thread()).append("', and nothing observed the failure");
        if (dropped != null) {
            message.append("; the ").append(task ? "Future" : "future").append(" returned by ")
                    .append(simpleMethod(dropped.operation())).append(" at ").append(dropped.shortLocation())
                    .append(" was dropped");
            if (task) {
                message.append(", and FutureTask keeps the exception to itself");
            }
        }
        message.append('.');
        context.record(Finding.builder(FindingKind.UNHANDLED_FAILURE)
                .thread(record.thread())
                .message(message.toString())
                .site(createdAt)
                .createdAt(createdAt)
                .discardedAt(dropped == null ? null : dropped.frame())
                .stack(context.render(failure.getStackTrace()))
                .exception(Finding.ExceptionDetails.of(failure))
                .advice(task
                        ? "Keep the Future and call get() on it, or catch the exception inside the task."
                        : "Chain .exceptionally(...) or .whenComplete(...) to handle the failure, or keep the future "
                        + "and join it.")
                .build());
    }

    private void reportLost(TrackedFuture record) {
        TestScopes.Scope previous = TestScopes.charge(record.scope);
        try {
            recordLost(record);
        } finally {
            TestScopes.endCharge(previous);
        }
    }

    private void recordLost(TrackedFuture record) {
        CallSite created = sites.get(record.site);
        String createdAt = created == null ? null : created.frame();
        context.record(Finding.builder(FindingKind.LOST_TASK)
                .thread(record.thread())
                .message("A future created" + (created == null ? "" : " by " + created.description() + " at "
                        + created.shortLocation()) + " on thread '" + record.thread() + "' became unreachable while "
                        + "still pending, with callbacks waiting on it: nothing can complete it now, so those "
                        + "callbacks will never run.")
                .site(createdAt)
                .createdAt(createdAt)
                .stack(created == null ? List.of() : List.of(createdAt))
                .reason("unreachable while pending with waiting callbacks")
                .advice("Keep the future reachable from whoever must complete it, and complete it on every path "
                        + "(complete, completeExceptionally, or orTimeout).")
                .build());
    }

    private void fail(Throwable e) {
        if (!failed) {
            failed = true;
            TaskBridge.setTracking(false);
            context.detectorFailed(DETECTOR, e);
        }
    }

    private static String simpleName(String binaryName) {
        return binaryName.substring(binaryName.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static String simpleMethod(String operation) {
        return operation.substring(operation.lastIndexOf('.') + 1);
    }

    /**
     * For a task that is an asynchronous stage of a {@code CompletableFuture}, the call site in application code
     * that created the stage, when that stage is tracked; for a stage the same expression chained at once
     * ({@code a.thenApplyAsync(f, loop).handle(g)}, whose {@code thenApplyAsync} stage tracking leaves alone), the
     * site of the tracked stage further down the chain; null otherwise, and the task is then named by a stack.
     */
    StackTraceElement stageSiteOf(Object task) {
        Object stage = internals == null ? null : FutureInternals.stageOf(task);
        for (int step = 0; stage != null && step < CHAIN_STEPS; step++) {
            StackTraceElement site = callSiteOf(stage);
            if (site != null) {
                return site;
            }
            stage = FutureInternals.firstDependentOf(stage);
        }
        return null;
    }

    /** The application call site that created {@code future}, when it is tracked; else null. */
    StackTraceElement callSiteOf(Object future) {
        if (failed) {
            return null;
        }
        TrackedFuture record = table.find(future);
        CallSite site = record == null ? null : sites.get(record.site);
        return site == null ? null : site.element();
    }

    /** Records currently tracked; for tests and the memory figure. */
    int trackedCount() {
        return table.size() + tasks.size();
    }

    FutureRecords table() {
        return table;
    }
}
