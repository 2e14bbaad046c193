package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.bootstrap.LoopTaskBridge;
import dev.loopguard.agent.internal.tasks.DetectorContext;
import dev.loopguard.agent.internal.tasks.LostTasks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;

/**
 * Follows one-shot tasks submitted to core's {@code EventLoop} from submission until the loop starts them, so that
 * the ones still waiting when the JVM exits, or when pending tasks are checked on request (at the end of a test), are
 * reported as lost, with the site and thread that submitted them. A task is reported once: reported tasks are no
 * longer followed.
 *
 * <p>Everything here runs on the submitting thread, the loop thread or the exit thread, and only touches this
 * object's own table under its lock: the loop's queues, which belong to the loop thread, are never read. A task
 * leaves the table when the loop starts it, when its loop terminates (what a loop leaves unrun at termination goes
 * to its close policy, which the close rule judges), or when it is a future that is already done (cancelled) at a
 * sweep. Sweeps run when the table has doubled since the last one, so they cost O(1) per submission amortised and a
 * program that cancels many scheduled timeouts does not grow the table.
 *
 * <p>At {@code sampled} the task's class stands for its site (a lambda's class is unique to the place that wrote
 * it): the first {@link SiteSampler#FIRST_TRACKED} tasks of a class are followed, then those queued while the shared
 * {@link SamplingWindow} is open (1 in {@link SiteSampler#ONE_IN} on average).
 * The submission stack is captured as a {@code Throwable}, whose frames are only materialised for tasks reported.
 */
final class PendingLoopTasks implements LoopTaskBridge.Handler {

    static final String DETECTOR = "loop-tasks";
    private static final String LOOP_INTERNAL = "dev.loopguard.core.EventLoop$";
    private static final String CF_NEST = "java.util.concurrent.CompletableFuture$";
    private static final int FIRST_SWEEP = 1024;

    private final DetectorContext context;
    private final LostTasks lostTasks;
    private final boolean sampled;
    private final SamplingWindow window;
    private final Map<Object, Pending> pending = new IdentityHashMap<>();
    private final ClassValue<TaskClass> classes = new ClassValue<>() {
        @Override
        protected TaskClass computeValue(Class<?> type) {
            return new TaskClass(type);
        }
    };
    /**
     * The class asked about last, in front of {@link #classes}: a loop runs the same few kinds of task. Starts as
     * {@code Void}, of which no task can be an instance, so that every real class's entry comes from {@link #classes}.
     */
    private TaskClass lastClass = new TaskClass(Void.class);
    /**
     * While at most this many tasks are followed, {@link #few} holds them and a starting task is looked for by
     * reference: the loop starts every task, most are not followed when sampling, and the identity hash an
     * {@code IdentityHashMap} needs is a call into the VM for an object that has none yet.
     */
    private static final int FEW = 8;
    /** The followed tasks while there are at most {@link #FEW}; null otherwise. Replaced under the lock. */
    private volatile Object[] few = new Object[0];
        private int sweepAt = FIRST_SWEEP;
    private long followed;
    private volatile boolean failed;

    /**
     * For an asynchronous stage of a {@code CompletableFuture} (the task is one of its completions), the call site
     * in application code that created the stage, from future tracking; null when that stage is not tracked.
     */
    private volatile Function<Object, StackTraceElement> stageSite = stage -> null;
    /** The {@code dep} field (the stage's future) of the {@code CompletableFuture} completion classes. */
    private final ClassValue<Optional<VarHandle>> stageField = new ClassValue<>() {
        @Override
        protected Optional<VarHandle> computeValue(Class<?> type) {
            if (!type.getName().startsWith(CF_NEST)) {
                return Optional.empty();
            }
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                try {
                    return Optional.of(MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                            .findVarHandle(c, "dep", CompletableFuture.class));
                } catch (NoSuchFieldException e) {
                    // declared higher up, or not a stage
                } catch (IllegalAccessException | RuntimeException e) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }
    };

    /** A task the loop has not started yet: where and on which thread it was submitted. */
    private static final class Pending {
        final Object loop;
        final Object task;
        /** The submission stack, or, for a tracked stage, its call site only (no stack walk per task). */
        final Object submittedAt;
        final String thread;
        /** How many times this same task object waits in the loop (a shared Runnable executed twice). */
        int times = 1;
        /** When it was first followed, among all followed tasks: reports list tasks in submission order. */
        long order;

        Pending(Object loop, Object task, Object submittedAt, String thread) {
            this.loop = loop;
            this.task = task;
            this.submittedAt = submittedAt;
            this.thread = thread;
        }
    }

    /**
     * What following needs to know about a class of task: how many of its tasks were seen (the per-class sampling
     * rule), whether it is one of the loop's own wrappers, and its {@code task} field if it has one.
     */
    private static final class TaskClass {
        final Class<?> type;
        final boolean loopInternal;
        /** A field {@code task}, as core's wrapper classes have (a queue entry, a future, an adapter); else null. */
        final Field taskField;
        /** Unsynchronised: a lost increment under a race lets a class's first tasks run a little longer. */
        int seen;

        TaskClass(Class<?> type) {
            this.type = type;
            this.loopInternal = type.getName().startsWith(LOOP_INTERNAL);
            this.taskField = taskFieldOf(type);
        }

        private static Field taskFieldOf(Class<?> type) {
            try {
                Field f = type.getDeclaredField("task");
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException | RuntimeException e) {
                return null;
            }
        }
    }

    PendingLoopTasks(DetectorContext context, TrackingLevel level) {
        this(context, level, new SamplingWindow());
    }

    /** @param window shared with future tracking, so that both sample in the same windows */
    PendingLoopTasks(DetectorContext context, TrackingLevel level, SamplingWindow window) {
        this.window = Objects.requireNonNull(window, "window");
        this.context = Objects.requireNonNull(context, "context");
        this.lostTasks = new LostTasks(context);
        if (Objects.requireNonNull(level, "level") == TrackingLevel.OFF) {
            throw new IllegalArgumentException("level must be sampled or full for event-loop task tracking, was off");
        }
        this.sampled = level == TrackingLevel.SAMPLED;
    }

    void start() {
        LoopTaskBridge.install(this);
    }

    void stop() {
        LoopTaskBridge.install(null);
        synchronized (pending) {
            pending.clear();
            changed();
        }
    }

    /**
     * Every task queued on a followed loop is asked about, so the common case at {@code tasks=sampled} is kept small
     * enough for the JIT to inline into the loop: a class already past its first tasks, while the window is closed.
     */
    @Override
    public boolean mayFollow(Object task) {
        if (sampled && !window.isOpen()) {
            TaskClass type = classOf(task);
            return type.loopInternal || type.seen < SiteSampler.FIRST_TRACKED;
        }
        return true;
    }

    @Override
    public void queued(Object loop, Object task) {
        if (failed) {
            return;
        }
        try {
            follow(loop, task);
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            fail(e);
        }
    }

    @Override
    public void refused(Object task) {
        try {
            forget(task); // nothing was queued
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    @Override
    public void scheduledOnLoop(Object loop, Object loopThread, Object scheduled) {
        if (failed) {
            return;
        }
        try {
            follow(loop, scheduled);
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            fail(e);
        }
    }

    /** Starts following {@code queued}, what the loop will run, unless it is periodic or sampled out. */
    private void follow(Object loop, Object queued) throws ReflectiveOperationException {
        if (queued == null || queued instanceof RunnableScheduledFuture
                && ((RunnableScheduledFuture<?>) queued).isPeriodic()) {
            return; // a stopped schedule is what closing or exiting means
        }
        Object task = userTask(queued);
        if (!sample(task)) {
            return;
        }
        Pending record = new Pending(loop, task, submissionSite(task), Thread.currentThread().getName());
        synchronized (pending) {
            Pending known = pending.putIfAbsent(queued, record);
            if (known != null) {
                known.times++;
            } else {
                record.order = followed++;
                if (pending.size() >= sweepAt) {
                    sweep();
                    changed();
                } else {
                    added(queued);
                }
            }
        }
    }

    /**
     * Future tracking's answer for where an asynchronous stage was created ({@code thenApplyAsync(fn, loop)} and
     * kin hand the loop one of the future's completions): the call-site constant of the stage it completes.
     */
    void stageSites(Function<Object, StackTraceElement> resolver) {
        stageSite = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Where the task was submitted. A stack capture costs about a microsecond, more than the rest of following a
     * task, so a stage whose future tracking already knows its call site is named by that site instead.
     */
    private Object submissionSite(Object task) {
        Optional<VarHandle> dep = stageField.get(task.getClass());
        if (dep.isPresent()) {
            Object stage = dep.get().get(task);
            StackTraceElement site = stage == null ? null : stageSite.apply(stage);
            if (site != null) {
                return site;
            }
        }
        return new Throwable();
    }

    private static StackTraceElement[] stackOf(Object submittedAt) {
        return submittedAt instanceof Throwable ? ((Throwable) submittedAt).getStackTrace()
                : new StackTraceElement[] {(StackTraceElement) submittedAt};
    }

    @Override
    public void started(Object queuedTask) {
        try {
            forget(unwrap(queuedTask));
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            fail(e);
        }
    }

    /** One queued occurrence of {@code task} is no longer waiting: it started, or the loop refused it. */
    private void forget(Object task) {
        Object[] scan = few;
        if (scan != null && !contains(scan, task)) {
            return; // the common case when sampling: not followed, decided without the lock or an identity hash
        }
        synchronized (pending) {
            Pending p = pending.get(task);
            if (p != null && --p.times == 0) {
                pending.remove(task);
                removed(task);
            }
        }
    }

    @Override
    public void terminated(Object loop) {
        synchronized (pending) {
            pending.values().removeIf(p -> p.loop == loop);
            changed();
        }
    }

    /** Under the lock, after a change of {@link #pending} other than one task added or removed. */
    private void changed() {
        LoopTaskBridge.tracked = pending.size();
        few = pending.size() <= FEW ? pending.keySet().toArray() : null;
    }

    /**
     * Under the lock, after {@code task} was added. Kept incrementally: listing an {@code IdentityHashMap} walks its
     * whole table, which stays as large as the most tasks ever followed, and {@code tasks=full} crossed {@link #FEW}
     * twice per batch of the fan-out benchmark.
     */
    private void added(Object task) {
        LoopTaskBridge.tracked = pending.size();
        Object[] scan = few;
        if (scan != null) {
            if (scan.length < FEW) {
                Object[] more = Arrays.copyOf(scan, scan.length + 1);
                more[scan.length] = task;
                few = more;
            } else {
                few = null;
            }
        }
    }

    /** Under the lock, after {@code task} was removed. Back to scanning at half of {@link #FEW}: no flapping. */
    private void removed(Object task) {
        LoopTaskBridge.tracked = pending.size();
        Object[] scan = few;
        if (scan != null) {
            Object[] fewer = new Object[scan.length];
            int j = 0;
            for (Object o : scan) {
                if (o != task) {
                    fewer[j++] = o;
                }
            }
            few = Arrays.copyOf(fewer, j);
        } else if (pending.size() <= FEW / 2) {
            few = pending.keySet().toArray();
        }
    }

    private static boolean contains(Object[] scan, Object task) {
        for (Object o : scan) {
            if (o == task) {
                return true;
            }
        }
        return false;
    }

    /** At JVM exit: tasks of loops still running that were submitted and never started. */
    void reportAtExit() {
        reportPending(true);
    }

    /**
     * Now, on request ({@code LoopguardAgent.checkPendingTasks()}): tasks of loops still running that were submitted
     * and have not started. Each is recorded, then no longer followed, so that neither a later check nor the exit
     * reports it again. Returns this check's findings, one per submission site with {@code count} the number of
     * its tasks, in the order of each site's first submission.
     */
    List<Finding> checkNow() {
        return reportPending(false);
    }

    private List<Finding> reportPending(boolean atExit) {
        if (failed) {
            return List.of();
        }
        List<Pending> unstarted = new ArrayList<>();
        synchronized (pending) {
            Iterator<Map.Entry<Object, Pending>> it = pending.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Object, Pending> e = it.next();
                Object queued = e.getKey();
                Pending p = e.getValue();
                boolean done = queued instanceof Future && ((Future<?>) queued).isDone();
                boolean loopTerminated = p.loop instanceof ExecutorService && ((ExecutorService) p.loop).isTerminated();
                if (!done && !loopTerminated) {
                    for (int i = 0; i < p.times; i++) {
                        unstarted.add(p);
                    }
                }
                // Reported now, or never to be: cancelled, or left to its terminated loop's close policy.
                it.remove();
            }
            changed();
        }
        unstarted.sort(Comparator.comparingLong(p -> p.order));
        Map<String, Finding> bySite = new LinkedHashMap<>();
        for (Pending p : unstarted) {
            Finding f = lostTasks.pendingInLoop(p.loop, p.task, stackOf(p.submittedAt), p.thread, atExit);
            if (f != null) {
                bySite.merge(f.site().orElse(f.thread() + "|" + f.message()), f, PendingLoopTasks::sameSite);
            }
        }
        return List.copyOf(bySite.values());
    }

    private static Finding sameSite(Finding first, Finding next) {
        return first.toBuilder().count(first.count() + next.count()).lastSeen(next.lastSeen()).build();
    }

    int trackedCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Drops cancelled futures (a cancelled schedule may be purged by the loop without ever starting). */
    private void sweep() {
        Iterator<Object> it = pending.keySet().iterator();
        while (it.hasNext()) {
            Object queued = it.next();
            if (queued instanceof Future && ((Future<?>) queued).isDone()) {
                it.remove();
            }
        }
        sweepAt = Math.max(FIRST_SWEEP, pending.size() * 2);
    }

    /** The class's entry, from the one-entry cache when it is the class asked about last. */
    private TaskClass classOf(Object task) {
        Class<?> type = task.getClass();
        TaskClass known = lastClass;
        if (known.type != type) {
            known = classes.get(type);
            lastClass = known;
        }
        return known;
    }

    /** What the caller submitted, inside the loop's wrappers (its future, its Runnable-to-Callable adapter). */
    private Object userTask(Object queued) throws ReflectiveOperationException {
        Object task = queued;
        for (int depth = 0; depth < 4; depth++) {
            TaskClass type = classOf(task);
            if (!type.loopInternal) {
                break;
            }
            Object inner = type.taskField == null ? null : type.taskField.get(task);
            if (inner == null) {
                break;
            }
            task = inner;
        }
        return task;
    }

    /**
     * The per-class rule: a class's first {@link SiteSampler#FIRST_TRACKED} tasks, then those queued while the
     * window is open. Past the first, two reads and no write: this runs for every task queued on a followed loop.
     */
    private boolean sample(Object task) {
        if (!sampled) {
            return true;
        }
        TaskClass type = classOf(task);
        if (type.seen >= SiteSampler.FIRST_TRACKED) {
            return window.isOpen();
        }
        type.seen++;
        return true;
    }

    /** The task inside the loop's queue entry ({@code EventLoop$QueuedTask.task}). */
    private Object unwrap(Object queuedTask) throws ReflectiveOperationException {
        Field f = classOf(queuedTask).taskField;
        if (f == null) {
            throw new IllegalStateException("core's EventLoop queue entry " + queuedTask.getClass().getName()
                    + " has no field 'task'");
        }
        return f.get(queuedTask);
    }

    private void fail(Throwable e) {
        failed = true;
        stop();
        context.detectorFailed(DETECTOR, e);
    }
}
