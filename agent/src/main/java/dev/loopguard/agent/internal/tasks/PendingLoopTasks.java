package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.bootstrap.LoopTaskBridge;
import dev.loopguard.agent.internal.TestScopes;
import dev.loopguard.agent.internal.DetectorContext;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;

/**
 * Follows one-shot tasks submitted to core's {@code EventLoop}, and to Netty's single-thread executors (the event
 * loops of Netty 4.1 and 4.2, and so of Vert.x 4 and 5), from submission until the loop starts them, so that
 * the ones still waiting when the JVM exits, or when pending tasks are checked on request (at the end of a test), are
 * reported as lost, with the site and thread that submitted them. A task is reported once: reported tasks are no
 * longer followed.
 *
 * <p>Everything here runs on the submitting thread, the loop thread or the exit thread, and only touches this
 * object's own records under its lock: the loop's queues, which belong to the loop thread, are never read. A task
 * leaves the records when the loop starts it, when its loop terminates (what a loop leaves unrun at termination goes
 * to its close policy, which the close rule judges), or when it is a future that is already done (cancelled) at a
 * sweep. Sweeps run when the records have doubled since the last one, so they cost O(1) per submission amortised and
 * a program that cancels many scheduled timeouts does not grow them.
 *
 * <p>The loop runs its one-shot tasks in the order they were queued, so each loop's followed one-shot tasks are kept
 * in that order and a starting task is matched against the oldest by reference: no identity hash (a call into the
 * VM for a fresh object) and no map. Two threads queuing at once may reach the loop in the other order than they
 * reached the hook, so a task that is not the oldest is looked for further along. Timed tasks start by deadline, not
 * in queue order, and are kept by identity instead.
 *
 * <p>At {@code sampled} the task's class stands for its site (a lambda's class is unique to the place that wrote
 * it): the first {@link SiteSampler#FIRST_TRACKED} tasks of a class are followed, then those queued while the shared
 * {@link SamplingWindow} is open (1 in {@link SiteSampler#ONE_IN} on average).
 * The submission stack is captured as a {@code Throwable}, whose frames are only materialised for tasks reported.
 */
public final class PendingLoopTasks implements LoopTaskBridge.Handler {

    static final String DETECTOR = "loop-tasks";
    /** Core's wrappers around a caller's task: nested in {@code EventLoop}, and its scheduled task (a future). */
    private static final String LOOP_INTERNAL = "dev.loopguard.core.EventLoop$";
    private static final String LOOP_SCHEDULED_TASK = "dev.loopguard.core.ScheduledTask";
    private static final String NETTY_SCHEDULED = "io.netty.util.concurrent.ScheduledFutureTask";
    private static final int FIRST_SWEEP = 1024;

    private final DetectorContext context;
    private final LostTasks lostTasks;
    private final boolean sampled;
    private final SamplingWindow window;
    /** Guards every record below. */
    private final Object lock = new Object();
    /** Each loop's followed tasks; under {@link #lock}. */
    private final Map<Object, LoopRecords> loops = new IdentityHashMap<>();
    /** The loop asked about last, in front of {@link #loops}: a program runs few loops. Under {@link #lock}. */
    private LoopRecords lastLoop;
    /** Followed tasks over all loops; under {@link #lock}. */
    private int size;
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
     * The class of the loop's queue entries and its {@code task} field, in front of {@link #classes} for the same
     * reason as {@link #lastClass}, but apart from it: queuing asks about tasks, starting asks about entries.
     */
    private TaskClass entryClass = new TaskClass(Void.class);
    /**
     * At {@code sampled}, the classes past their first tasks, published to the bridge: it then decides their tasks
     * itself, without calling in, while the window is closed.
     */
    private final SampledOutClasses sampledOut = new SampledOutClasses();
    private int sweepAt = FIRST_SWEEP;
    private long followed;
    private volatile boolean failed;

    /**
     * For a task that is an asynchronous stage of a {@code CompletableFuture}, the call site in application code
     * that created the stage, from future tracking; null for other tasks and for stages not tracked.
     */
    private volatile Function<Object, StackTraceElement> stageSite;

    /** A task the loop has not started yet: where and on which thread it was submitted. */
    private static final class Pending {
        final Object loop;
        /** What the loop was handed, and hands back when it starts it: the key a start is matched by. */
        final Object queued;
        final Object task;
        /** The submission stack, or, for a tracked stage, its call site only (no stack walk per task). */
        final Object submittedAt;
        final String thread;
        /** For a timed task: how many times this same task object waits (a shared Runnable executed twice). */
        int times = 1;
        /** When it was first followed, among all followed tasks: reports list tasks in submission order. */
        long order;
        /** The test scope it was queued in (null outside every scope): the loop runs it for that scope. */
        final TestScopes.Scope scope;

        Pending(Object loop, Object queued, Object task, Object submittedAt, String thread) {
            this.loop = loop;
            this.queued = queued;
            this.task = task;
            this.submittedAt = submittedAt;
            this.thread = thread;
            this.scope = TestScopes.current();
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

        /** Netty's {@code ScheduledFutureTask.periodNanos}: a periodic schedule when not zero; else null. */
        final Field periodField;

        TaskClass(Class<?> type) {
            this.type = type;
            this.loopInternal = type.getName().startsWith(LOOP_INTERNAL)
                    || type.getName().equals(LOOP_SCHEDULED_TASK);
            this.taskField = fieldOf(type, "task");
            this.periodField = NETTY_SCHEDULED.equals(type.getName()) ? fieldOf(type, "periodNanos") : null;
        }

        private static Field fieldOf(Class<?> type, String name) {
            try {
                Field f = type.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException | RuntimeException e) {
                return null;
            }
        }
    }

    /** One loop's followed tasks. */
    private static final class LoopRecords {
        final Object loop;
        /** One-shot tasks in the order they were queued, one entry per submission. */
        final ArrayDeque<Pending> inOrder = new ArrayDeque<>();
        /** Timed tasks, which start by deadline, by identity. */
        final Map<Object, Pending> timed = new IdentityHashMap<>();
        /** Submissions waiting: one per one-shot record, {@code times} per timed one. */
        int size;

        LoopRecords(Object loop) {
            this.loop = loop;
        }

        void add(Pending record, boolean isTimed) {
            size++;
            if (!isTimed) {
                inOrder.addLast(record);
                return;
            }
            Pending known = timed.putIfAbsent(record.queued, record);
            if (known != null) {
                known.times++;
            }
        }

        /** One queued occurrence of {@code queued} started or was refused; null when it was not followed. */
        Pending remove(Object queued) {
            Pending found = removeOldestOrTimed(queued);
            if (found != null) {
                return found;
            }
            // Overtaken by a task queued at the same time from another thread; or, when sampling, not followed.
            Iterator<Pending> it = inOrder.iterator();
            while (it.hasNext()) {
                Pending p = it.next();
                if (p.queued == queued) {
                    it.remove();
                    size--;
                    return p;
                }
            }
            return null;
        }

        /** {@link #remove} without searching: the record when {@code queued} is the oldest one-shot task or a timed one. */
        Pending removeOldestOrTimed(Object queued) {
            Pending oldest = inOrder.peekFirst();
            if (oldest != null && oldest.queued == queued) {
                inOrder.pollFirst();
                size--;
                return oldest;
            }
            if (!timed.isEmpty()) {
                Pending p = timed.get(queued);
                if (p != null) {
                    if (--p.times == 0) {
                        timed.remove(queued);
                    }
                    size--;
                    return p;
                }
            }
            return null;
        }

        /** Drops the futures already done (cancelled); returns how many submissions are left. */
        int sweep() {
            inOrder.removeIf(p -> isDone(p.queued));
            timed.values().removeIf(p -> isDone(p.queued));
            size = inOrder.size();
            for (Pending p : timed.values()) {
                size += p.times;
            }
            return size;
        }
    }

    public PendingLoopTasks(DetectorContext context, TrackingLevel level) {
        this(context, level, new SamplingWindow());
    }

    /** @param window shared with future tracking, so that both sample in the same windows */
    public PendingLoopTasks(DetectorContext context, TrackingLevel level, SamplingWindow window) {
        this.window = Objects.requireNonNull(window, "window");
        this.context = Objects.requireNonNull(context, "context");
        this.lostTasks = new LostTasks(context);
        if (Objects.requireNonNull(level, "level") == TrackingLevel.OFF) {
            throw new IllegalArgumentException("level must be sampled or full for event-loop task tracking, was off");
        }
        this.sampled = level == TrackingLevel.SAMPLED;
    }

    public void start() {
        LoopTaskBridge.install(this);
        if (sampled) {
            window.mirrorToBridge();
            sampledOut.publishTo(new ToBridge());
        }
    }

    /**
     * Publishes the sampled-out task classes to the bridge; a named class rather than a method reference, which would
     * spin a class when tracking starts.
     */
    private static final class ToBridge implements Consumer<int[]> {
        @Override
        public void accept(int[] classKeys) {
            LoopTaskBridge.sampleInWindows(classKeys);
        }
    }

    public void stop() {
        LoopTaskBridge.sampleInWindows(null);
        LoopTaskBridge.install(null);
        synchronized (lock) {
            loops.clear();
            lastLoop = null;
            size = 0;
            counted();
        }
    }

    @Override
    public void queued(Object loop, Object task, boolean timed) {
        if (failed) {
            return;
        }
        try {
            follow(loop, task, timed);
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            fail(e);
        }
    }

    @Override
    public void refused(Object loop, Object task) {
        try {
            forget(loop, task); // nothing was queued
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
            follow(loop, scheduled, true);
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            fail(e);
        }
    }

    /** Starts following {@code queued}, what the loop will run, unless it is periodic or sampled out. */
    private void follow(Object loop, Object queued, boolean timed) throws ReflectiveOperationException {
        if (queued == null || timed && isPeriodic(queued)) {
            return; // a stopped schedule is what closing or exiting means
        }
        Object task = userTask(queued);
        if (!sample(task)) {
            return;
        }
        Pending record = new Pending(loop, queued, task, submissionSite(task), Thread.currentThread().getName());
        synchronized (lock) {
            record.order = followed++;
            recordsOf(loop, true).add(record, timed);
            size++;
            if (size >= sweepAt) {
                sweep();
            }
            counted();
        }
    }

    /** Under the lock: the records of {@code loop}, created when {@code create}; null when it has none. */
    private LoopRecords recordsOf(Object loop, boolean create) {
        LoopRecords last = lastLoop;
        if (last != null && last.loop == loop) {
            return last;
        }
        LoopRecords records = loops.get(loop);
        if (records == null) {
            if (!create) {
                return null;
            }
            records = new LoopRecords(loop);
            loops.put(loop, records);
        }
        lastLoop = records;
        return records;
    }

    /**
     * Under the lock, after {@link #size} changed: the bridge's switch changes only when following starts or stops.
     * Writing it on every change was a full fence (a volatile write) twice per task at {@code tasks=full}.
     */
    private void counted() {
        boolean any = size > 0;
        if (any != (LoopTaskBridge.tracked > 0)) {
            LoopTaskBridge.tracked = any ? 1 : 0;
        }
    }

    /**
     * Future tracking's answer for where an asynchronous stage was created ({@code thenApplyAsync(fn, loop)} and
     * kin hand the loop one of the future's completions): the call-site constant of the stage that task completes.
     */
    public void stageSites(Function<Object, StackTraceElement> resolver) {
        stageSite = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Where the task was submitted. A stack capture costs about a microsecond, more than the rest of following a
     * task, so a stage whose future tracking already knows its call site is named by that site instead.
     */
    private Object submissionSite(Object task) {
        Function<Object, StackTraceElement> stages = stageSite;
        StackTraceElement site = stages == null ? null : stages.apply(task);
        return site != null ? site : new Throwable();
    }

    private static StackTraceElement[] stackOf(Object submittedAt) {
        return submittedAt instanceof Throwable ? ((Throwable) submittedAt).getStackTrace()
                : new StackTraceElement[] {(StackTraceElement) submittedAt};
    }

    @Override
    public void started(Object loop, Object queuedTask) {
        try {
            Pending started = forget(loop, unwrap(queuedTask));
            if (TestScopes.anyOpen()) {
                // The loop thread works for the test that queued the task, until its next task. At tasks=full every
                // task is followed, so one that is not was queued before any scope or was already reported.
                if (started != null && started.scope != null) {
                    TestScopes.runningTaskOf(started.scope);
                } else if (!sampled) {
                    TestScopes.runningTaskOfNoScope();
                } else {
                    TestScopes.runningTaskOf(null);
                }
            }
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            fail(e);
        }
    }

    /**
     * A Netty loop starts {@code task}; the hook knows the task, not the loop. The loops that were handed it are few
     * (a program runs few loops): each one's oldest task and timed tasks are looked at first, a full search of each
     * only when that finds nothing.
     */
    @Override
    public void startedOnItsLoop(Object task) {
        try {
            synchronized (lock) {
                for (LoopRecords records : loops.values()) {
                    if (records.removeOldestOrTimed(task) != null) {
                        removedOne();
                        return;
                    }
                }
                if (task instanceof java.util.concurrent.Delayed) {
                    return; // a schedule is kept by identity, so the look above found it if it was followed
                }
                for (LoopRecords records : loops.values()) {
                    if (records.remove(task) != null) {
                        removedOne();
                        return;
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    /** Under the lock: one followed task left the records. */
    private void removedOne() {
        size--;
        counted();
    }

    /**
     * One queued occurrence of {@code queued} is no longer waiting: it started, or the loop refused it. Returns its
     * record, null when it was not followed.
     */
    private Pending forget(Object loop, Object queued) {
        synchronized (lock) {
            LoopRecords records = recordsOf(loop, false);
            Pending removed = records == null ? null : records.remove(queued);
            if (removed != null) {
                size--;
                counted();
            }
            return removed;
        }
    }

    @Override
    public void terminated(Object loop) {
        synchronized (lock) {
            LoopRecords records = loops.remove(loop);
            if (records != null) {
                size -= records.size;
                if (lastLoop == records) {
                    lastLoop = null;
                }
                counted();
            }
        }
    }

    /** At JVM exit: tasks of loops still running that were submitted and never started. */
    public void reportAtExit() {
        reportPending(true);
    }

    /**
     * Now, on request ({@code LoopguardAgent.checkPendingTasks()}): tasks of loops still running that were submitted
     * and have not started. Each is recorded, then no longer followed, so that neither a later check nor the exit
     * reports it again. Returns this check's findings, one per submission site with {@code count} the number of
     * its tasks, in the order of each site's first submission.
     *
     * <p>On a thread inside an open test scope, only the tasks queued inside that scope are checked (and stop being
     * followed): a test running in parallel may legitimately have work queued at that moment.
     */
    public List<Finding> checkNow() {
        return reportPending(false);
    }

    private List<Finding> reportPending(boolean atExit) {
        if (failed) {
            return List.of();
        }
        TestScopes.Scope only = atExit ? null : TestScopes.ownScope();
        List<Pending> unstarted = new ArrayList<>();
        synchronized (lock) {
            for (LoopRecords records : loops.values()) {
                boolean loopTerminated = records.loop instanceof ExecutorService
                        && ((ExecutorService) records.loop).isTerminated();
                if (loopTerminated) {
                    continue; // left to its close policy
                }
                for (Pending p : records.inOrder) {
                    if (!isDone(p.queued) && (only == null || p.scope == only)) {
                        unstarted.add(p);
                    }
                }
                for (Pending p : records.timed.values()) {
                    for (int i = 0; i < p.times && !isDone(p.queued) && (only == null || p.scope == only); i++) {
                        unstarted.add(p);
                    }
                }
            }
            if (only == null) {
                // Reported now, or never to be: cancelled, or left to its terminated loop's close policy.
                loops.clear();
                lastLoop = null;
                size = 0;
            } else {
                // Only this scope's tasks stop being followed; other tests' tasks stay followed.
                for (LoopRecords records : loops.values()) {
                    records.inOrder.removeIf(p -> p.scope == only);
                    records.timed.values().removeIf(p -> p.scope == only);
                }
                sweep();
            }
            counted();
        }
        unstarted.sort(Comparator.comparingLong(p -> p.order));
        Map<String, Finding> bySite = new LinkedHashMap<>();
        for (Pending p : unstarted) {
            StackTraceElement[] submittedAt = stackOf(p.submittedAt);
            if (isFrameworkLoop(p.loop) && context.applicationSite(submittedAt) == null) {
                continue; // Netty's or Vert.x's own work, queued with no line of the application's on the stack
            }
            Finding f;
            TestScopes.Scope previous = TestScopes.charge(p.scope);
            try {
                f = lostTasks.pendingInLoop(p.loop, p.task, submittedAt, p.thread, atExit);
            } finally {
                TestScopes.endCharge(previous);
            }
            if (f != null && p.scope != null && !f.test().isPresent()) {
                f = f.toBuilder().test(p.scope.name()).build(); // as recorded: the caller sees whose task it was
            }
            if (f != null) {
                bySite.merge(f.site().orElse(f.thread() + "|" + f.message()), f, PendingLoopTasks::sameSite);
            }
        }
        return List.copyOf(bySite.values());
    }

    private static boolean isFrameworkLoop(Object loop) {
        return loop.getClass().getName().startsWith("io.netty.");
    }

    private static Finding sameSite(Finding first, Finding next) {
        return first.toBuilder().count(first.count() + next.count()).lastSeen(next.lastSeen()).build();
    }

    int trackedCount() {
        synchronized (lock) {
            return size;
        }
    }

    /** A JDK periodic schedule, or Netty's ({@code ScheduledFutureTask} with a non-zero {@code periodNanos}). */
    private boolean isPeriodic(Object queued) throws ReflectiveOperationException {
        if (queued instanceof RunnableScheduledFuture) {
            return ((RunnableScheduledFuture<?>) queued).isPeriodic();
        }
        Field period = classOf(queued).periodField;
        return period != null && period.getLong(queued) != 0;
    }

    private static boolean isDone(Object queued) {
        return queued instanceof Future && ((Future<?>) queued).isDone();
    }

    /**
     * Under the lock: drops cancelled futures (a cancelled schedule may be purged by the loop without ever starting),
     * and the records of loops with nothing followed.
     */
    private void sweep() {
        Iterator<LoopRecords> loopIt = loops.values().iterator();
        lastLoop = null;
        size = 0;
        while (loopIt.hasNext()) {
            int left = loopIt.next().sweep();
            if (left == 0) {
                loopIt.remove();
            }
            size += left;
        }
        sweepAt = Math.max(FIRST_SWEEP, size * 2);
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
     * window is open. A class past its first tasks is marked for the bridge, which from then on hands its tasks
     * over only while the window is open; the loop's own wrappers are always handed over and decided by what they
     * wrap.
     */
    private boolean sample(Object task) {
        if (!sampled) {
            return true;
        }
        TaskClass type = classOf(task);
        if (type.seen >= SiteSampler.FIRST_TRACKED) {
            return window.isOpen();
        }
        if (++type.seen >= SiteSampler.FIRST_TRACKED && !type.loopInternal) {
            // Not the loop's own wrappers: the bridge sees the wrapper, and what it wraps decides.
            sampledOut.add(type.type);
        }
        return true;
    }

    /** Whether the bridge decides the tasks of {@code type} without calling in (tests). */
    boolean isSampledOut(Class<?> type) {
        return sampledOut.contains(type);
    }

    /** The task inside the loop's queue entry ({@code QueuedTask.task}). */
    private Object unwrap(Object queuedTask) throws ReflectiveOperationException {
        Class<?> type = queuedTask.getClass();
        TaskClass entry = entryClass;
        if (entry.type != type) {
            entry = classes.get(type);
            entryClass = entry;
        }
        Field f = entry.taskField;
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
