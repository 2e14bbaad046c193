package dev.loopguard.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A single-threaded event loop: every task runs, in order, on one named thread, and nothing on that thread may block.
 *
 * <p>It is a {@link ScheduledExecutorService}, so it plugs into {@code CompletableFuture.thenApplyAsync(fn, loop)},
 * Reactor's {@code Schedulers.fromExecutor} and anything else that takes an executor. On top of that it offers:
 * <ul>
 *   <li>{@link #submit(Callable)} returning a {@link CompletableFuture};</li>
 *   <li>{@link #offload(Callable)}: run a blocking call on a bounded worker pool and complete the returned future back
 *       on the loop, the Java form of Python's {@code loop.run_in_executor};</li>
 *   <li>a pluggable {@link LoopClock}: on a {@link VirtualClock}, scheduled tasks run when the test advances the
 *       clock;</li>
 *   <li>{@link #lag()}: how late tasks start against the time they were due;</li>
 *   <li>a graceful {@link #close()} that hands back every task that did not run.</li>
 * </ul>
 *
 * <p>The loop's thread implements {@link EventLoopThread}, which is how the Loopguard agent knows that blocking on it
 * is a bug.
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoop.builder().name("pump-loop").build()) {
 *     CompletableFuture<Reading> reading = loop.offload(sensor::readBlocking); // never blocks the loop
 *     reading.thenAcceptAsync(pump::adjust, loop);
 * }
 * }</pre>
 *
 * <p>After {@link #shutdown()} or {@link #close()} begins, new tasks are rejected with a
 * {@link RejectedExecutionException} that names the loop, including tasks submitted from the loop itself.
 */
public final class EventLoop extends AbstractExecutorService implements ScheduledExecutorService, AutoCloseable {

    private static final AtomicInteger LOOP_IDS = new AtomicInteger();
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final long NOT_IDLE = Long.MIN_VALUE;

    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;

    private final String name;
    private final LoopClock clock;
    private final LoopThread thread;
    private final ClosePolicy closePolicy;
    private final Duration closeTimeout;
    private final Consumer<List<Runnable>> onUnrunTasks;
    private final int offloadThreads;
    private final int offloadQueueCapacity;

    /** Tasks from any thread; drained by the loop thread only. */
    private final ConcurrentLinkedQueue<QueuedTask> inbox = new ConcurrentLinkedQueue<>();
    /** Loop-thread only: tasks ready to run, in order. */
    private final ArrayDeque<QueuedTask> ready = new ArrayDeque<>();
    /** Loop-thread only: scheduled tasks by deadline. */
    private final PriorityQueue<ScheduledTask<?>> scheduled = new PriorityQueue<>();
    /** Tasks queued but not finished, plus offloaded calls in flight; zero means nothing is left to do now. */
    private final AtomicInteger pendingWork = new AtomicInteger();
    private final LagHistogram lag = new LagHistogram();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicInteger scheduleSequence = new AtomicInteger();
    /** Scheduled tasks cancelled since the last purge; cancelled timers would otherwise wait for their deadline. */
    private final AtomicInteger cancelledSinceLastPurge = new AtomicInteger();
    private final Object closeLock = new Object();

    private volatile int state = RUNNING;
    private volatile boolean cancelQueued;
    private volatile boolean parked;
    private volatile long idleAt = NOT_IDLE;
    private volatile long publishedNextDeadline = NO_DEADLINE;
    private volatile ThreadPoolExecutor offloadPool;

    // Guarded by closeLock.
    private boolean callerAwaitsUnrun;
    private List<Runnable> unrunForCaller;

    EventLoop(EventLoopBuilder builder) {
        int id = LOOP_IDS.incrementAndGet();
        this.name = builder.name != null ? builder.name : "loopguard-loop-" + id;
        this.clock = builder.clock;
        this.closePolicy = builder.closePolicy;
        this.closeTimeout = builder.closeTimeout;
        this.onUnrunTasks = builder.onUnrunTasks != null ? builder.onUnrunTasks : this::warnAboutUnrunTasks;
        this.offloadThreads = builder.offloadThreads;
        this.offloadQueueCapacity = builder.offloadQueueCapacity;
        this.thread = new LoopThread(this, name);
        this.thread.setDaemon(builder.daemon);
        if (builder.uncaughtExceptionHandler != null) {
            this.thread.setUncaughtExceptionHandler(builder.uncaughtExceptionHandler);
        }
        clock.attach(this);
        thread.start();
    }

    /** A loop on the system clock with a thread named {@code loopguard-loop-N} and default settings. */
    public static EventLoop create() {
        return builder().build();
    }

    /** A builder for a loop with a chosen name, clock, offload pool and close policy. */
    public static EventLoopBuilder builder() {
        return new EventLoopBuilder();
    }

    /** The loop whose thread is calling this method, if any. */
    public static Optional<EventLoop> current() {
        Thread current = Thread.currentThread();
        if (current instanceof LoopThread) {
            return Optional.of(((LoopThread) current).loop);
        }
        return Optional.empty();
    }

    /**
     * The loop whose {@link #offload(Callable)} worker pool is running the calling thread, if it is one of those
     * workers. Code that may block (a driver's blocking read) can use it to know that it runs off the loop on that
     * loop's behalf, for example to take no virtual time while the loop's {@link VirtualClock} waits for it.
     */
    public static Optional<EventLoop> offloadingLoop() {
        Thread current = Thread.currentThread();
        if (current instanceof OffloadThread) {
            return Optional.of(((OffloadThread) current).loop);
        }
        return Optional.empty();
    }

    /** The loop's name, which is also its thread's name. */
    public String name() {
        return name;
    }

    /** The clock this loop schedules on. */
    public LoopClock clock() {
        return clock;
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** How late tasks have started against the time they were due, since the loop started. */
    public LagStats lag() {
        return lag.snapshot();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Submitting work

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        enqueue(task, clock.nanoTime(), false);
    }

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        TaskFuture<T> future = new TaskFuture<>(task);
        execute(future);
        return future;
    }

    @Override
    public CompletableFuture<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return submit(task, null);
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submit(new RunnableCallable<>(task, result));
    }

    /**
     * Runs a blocking call on this loop's bounded worker pool and completes the returned future on the loop, so that
     * dependent stages attached with {@code ...Async(fn, loop)} or {@code thenXxx} from the loop run on the loop.
     *
     * <p>The pool has {@link EventLoopBuilder#offloadThreads(int)} threads and a queue of
     * {@link EventLoopBuilder#offloadQueueCapacity(int)} calls; when both are full the future fails with a
     * {@link RejectedExecutionException} rather than blocking the caller. If the loop has terminated by the time the
     * call returns, the future is completed on the worker thread instead, so it is never lost.
     *
     * @throws RejectedExecutionException if the loop is shut down
     */
    public <T> CompletableFuture<T> offload(Callable<T> blockingCall) {
        Objects.requireNonNull(blockingCall, "blockingCall");
        rejectIfShutDown(blockingCall);
        CompletableFuture<T> result = new CompletableFuture<>();
        // One unit of pending work covers the call and then its completion on the loop, so that the count never
        // drops to zero in between (a VirtualClock would otherwise see the loop idle and move on too early).
        pendingWork.incrementAndGet();
        try {
            offloadPool().execute(() -> {
                T value = null;
                Throwable failure = null;
                try {
                    value = blockingCall.call();
                } catch (Throwable t) {
                    failure = t;
                }
                T finalValue = value;
                Throwable finalFailure = failure;
                deliverCompletion(() -> {
                    if (finalFailure != null) {
                        result.completeExceptionally(finalFailure);
                    } else {
                        result.complete(finalValue);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            workDoneOffLoop();
            result.completeExceptionally(new RejectedExecutionException("EventLoop '" + name + "' could not offload "
                    + blockingCall + ": all " + offloadThreads + " offload threads are busy and "
                    + offloadQueueCapacity + " calls are queued. Raise EventLoop.builder().offloadThreads(...) or "
                    + "offloadQueueCapacity(...), or slow the producer down.", e));
        }
        return result;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        return scheduleTask(new RunnableCallable<>(command, null), unit.toNanos(delay), 0, command);
    }

    /**
     * Runs {@code command} once after {@code delay}; a zero or negative delay runs it as soon as possible.
     *
     * @throws IllegalArgumentException if {@code delay} is longer than {@link Durations#MAX}, the most the loop's
     *     nanosecond clock holds (about 292 years)
     */
    public ScheduledFuture<?> schedule(Runnable command, Duration delay) {
        Objects.requireNonNull(command, "command");
        return scheduleTask(new RunnableCallable<>(command, null), toNanos(delay, "delay"), 0, command);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        Objects.requireNonNull(unit, "unit");
        return scheduleTask(callable, unit.toNanos(delay), 0, callable);
    }

    /** Calls {@code callable} once after {@code delay}, which is at most {@link Durations#MAX}. */
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, Duration delay) {
        Objects.requireNonNull(callable, "callable");
        return scheduleTask(callable, toNanos(delay, "delay"), 0, callable);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return scheduleAtFixedRate(command, Duration.ofNanos(unit.toNanos(initialDelay)),
                Duration.ofNanos(unit.toNanos(period)));
    }

    /**
     * Runs {@code command} first after {@code initialDelay}, then every {@code period} measured from the first
     * run's due time. A run that starts late does not shift later runs; if the task throws, it stops repeating and
     * the returned future fails with that exception. Both durations are at most {@link Durations#MAX}, the most the
     * loop's nanosecond clock holds; a longer one throws {@link IllegalArgumentException}.
     */
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, Duration initialDelay, Duration period) {
        Objects.requireNonNull(command, "command");
        long periodNanos = requirePositive(period, "period");
        return scheduleTask(new RunnableCallable<>(command, null), toNanos(initialDelay, "initialDelay"),
                periodNanos, command);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return scheduleWithFixedDelay(command, Duration.ofNanos(unit.toNanos(initialDelay)),
                Duration.ofNanos(unit.toNanos(delay)));
    }

    /**
     * Runs {@code command} first after {@code initialDelay}, then again {@code delay} after each run ends. If the
     * task throws, it stops repeating and the returned future fails with that exception. Both durations are at most
     * {@link Durations#MAX}; a longer one throws {@link IllegalArgumentException}.
     */
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, Duration initialDelay, Duration delay) {
        Objects.requireNonNull(command, "command");
        long delayNanos = requirePositive(delay, "delay");
        return scheduleTask(new RunnableCallable<>(command, null), toNanos(initialDelay, "initialDelay"),
                -delayNanos, command);
    }

    /**
     * Refuses to wait for its own tasks on the loop thread, which would deadlock; otherwise as
     * {@link AbstractExecutorService#invokeAll(Collection)}.
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        refuseWaitOnLoop("invokeAll");
        return super.invokeAll(tasks);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        refuseWaitOnLoop("invokeAll");
        return super.invokeAll(tasks, timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        refuseWaitOnLoop("invokeAny");
        return super.invokeAny(tasks);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        refuseWaitOnLoop("invokeAny");
        return super.invokeAny(tasks, timeout, unit);
    }

    private <V> ScheduledTask<V> scheduleTask(Callable<V> callable, long delayNanos, long period, Object original) {
        rejectIfShutDown(original);
        long now = clock.nanoTime();
        long deadline = delayNanos <= 0 ? now : saturatedAdd(now, delayNanos);
        ScheduledTask<V> task = new ScheduledTask<>(this, callable, deadline, period, scheduleSequence.incrementAndGet());
        // The scheduled queue belongs to the loop thread; other threads hand the task over through the inbox.
        if (inEventLoop()) {
            scheduled.add(task);
        } else {
            enqueue(task, now, true);
        }
        return task;
    }

    /**
     * Hands a task from any thread to the loop. Takes the task itself, not its queue entry, because the agent follows
     * tasks from here (see docs/ARCHITECTURE.md) and this way reads the task without reflection.
     */
    private void enqueue(Runnable task, long dueAt, boolean scheduleRequest) {
        rejectIfShutDown(task);
        QueuedTask queued = new QueuedTask(task, dueAt, scheduleRequest);
        pendingWork.incrementAndGet();
        inbox.offer(queued);
        if (state == TERMINATED && inbox.remove(queued)) {
            // The loop terminated between the check above and the offer, and did not see the task.
            workDoneOffLoop();
            throw rejection(task);
        }
        if (!scheduleRequest || !dueAfterTimedWakeUp((ScheduledTask<?>) task)) {
            wakeUp();
        }
    }

    /**
     * Whether the loop is parked until a real-time deadline no later than {@code task}'s: it then takes the task from
     * the inbox when it wakes for that deadline, in time, and waking it now would only cost both threads a wake-up
     * (a thread starting thousands of timed reads would otherwise wake the loop for nearly every one). Reads
     * {@code parked} before the deadline the loop published ahead of it, so a stale deadline is never paired with a
     * fresh park.
     */
    private boolean dueAfterTimedWakeUp(ScheduledTask<?> task) {
        if (!parked || clock.isVirtual()) {
            return false;
        }
        long wakeUpAt = publishedNextDeadline;
        return wakeUpAt != NO_DEADLINE && task.deadline - wakeUpAt >= 0;
    }

    /**
     * Delivers an offload's completion, which already holds one unit of pending work. Completions are never
     * rejected: once the loop has terminated they run on the calling thread.
     */
    private void deliverCompletion(Runnable completion) {
        InternalTask internal = new InternalTask(completion);
        if (state == TERMINATED) {
            internal.runOnce();
            workDoneOffLoop();
            return;
        }
        inbox.offer(new QueuedTask(internal, clock.nanoTime(), false));
        if (state == TERMINATED && internal.runOnce()) {
            workDoneOffLoop();
            return;
        }
        wakeUp();
    }

    /**
     * Ends a unit of pending work on another thread. When that was the last one, the loop is woken: it may be parked
     * with a virtual deadline it did not run ahead to because work was pending.
     */
    private void workDoneOffLoop() {
        if (pendingWork.decrementAndGet() == 0) {
            wakeUp();
        }
    }

    private void rejectIfShutDown(Object task) {
        if (state != RUNNING) {
            throw rejection(task);
        }
    }

    private RejectedExecutionException rejection(Object task) {
        return new RejectedExecutionException("EventLoop '" + name + "' is " + (state == TERMINATED ? "terminated"
                : "shutting down") + " and did not accept " + task + ". Submit work before close()/shutdown(), "
                + "or check isShutdown() first.");
    }

    private void refuseWaitOnLoop(String operation) {
        if (inEventLoop()) {
            throw new IllegalStateException(operation + " was called on the thread of EventLoop '" + name
                    + "' and would wait for tasks that can only run on that same thread. Compose the futures "
                    + "returned by submit(...) instead.");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The loop thread

    private void runLoop() {
        try {
            for (;;) {
                QueuedTask task = awaitTask();
                if (task == null) {
                    return;
                }
                runTask(task);
            }
        } finally {
            terminate();
        }
    }

    /**
     * Returns the next task to run, waiting while there is none; returns {@code null} when the loop must stop.
     * This is the loop's only idle wait: tools that watch for blocking calls on loop threads treat time spent here as
     * idle, not as a blocking call (see the agent contract in docs/ARCHITECTURE.md).
     */
    private QueuedTask awaitTask() {
        for (;;) {
            if (cancelQueued) {
                return null;
            }
            QueuedTask next = ready.poll();
            if (next != null) {
                return next;
            }
            drainInbox();
            purgeCancelledIfMany();
            long now = clock.nanoTime();
            moveDueScheduledTasks(now);
            next = ready.poll();
            if (next != null) {
                return next;
            }
            if (state != RUNNING) {
                return null;
            }
            long deadline = nextLiveDeadline();
            publishedNextDeadline = deadline;
            parked = true;
            // Re-check after announcing that we park: a producer either sees parked == true and unparks us, or its
            // task is already visible here.
            if (!inbox.isEmpty() || state != RUNNING || cancelQueued || clock.isVirtual() && clock.nanoTime() != now) {
                parked = false;
                continue;
            }
            if (clock.isVirtual() && deadline != NO_DEADLINE && pendingWork.get() == 0
                    && ((VirtualClock) clock).tryRunAhead(this, deadline)) {
                parked = false;
                continue;
            }
            idleAt = now;
            if (clock.isVirtual() || deadline == NO_DEADLINE) {
                // On virtual time only VirtualClock moves time, and it wakes us when it does.
                LockSupport.park(this);
            } else {
                long wait = deadline - clock.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
            idleAt = NOT_IDLE;
            parked = false;
        }
    }

    /** Runs one task on the loop thread; this method is the boundary of "one task" for tools that watch the loop. */
    private void runTask(Runnable queued) {
        QueuedTask task = (QueuedTask) queued;
        lag.record(clock.nanoTime() - task.dueAt);
        try {
            task.task.run();
        } catch (Throwable t) {
            reportUncaught(task.task, t);
        } finally {
            if (task.countsAsPending) {
                pendingWork.decrementAndGet();
            }
        }
    }

    private void drainInbox() {
        QueuedTask queued;
        while ((queued = inbox.poll()) != null) {
            if (queued.scheduleRequest) {
                scheduled.add((ScheduledTask<?>) queued.task);
                pendingWork.decrementAndGet();
            } else {
                ready.add(queued);
            }
        }
    }

    private void purgeCancelledIfMany() {
        int cancelled = cancelledSinceLastPurge.get();
        // Purging is O(n); do it only when cancelled tasks could make up half of the queue.
        if (cancelled >= 64 && cancelled * 2 >= scheduled.size()) {
            cancelledSinceLastPurge.set(0);
            scheduled.removeIf(Future::isDone);
        }
    }

    private void moveDueScheduledTasks(long now) {
        ScheduledTask<?> head;
        while ((head = scheduled.peek()) != null) {
            if (head.isDone()) {
                scheduled.poll();
            } else if (head.deadline - now <= 0) {
                scheduled.poll();
                ready.add(new QueuedTask(head, head.deadline, false));
            } else {
                return;
            }
        }
    }

    private long nextLiveDeadline() {
        ScheduledTask<?> head;
        while ((head = scheduled.peek()) != null && head.isDone()) {
            scheduled.poll();
        }
        return head == null ? NO_DEADLINE : head.deadline;
    }

    /** Hands a failure of a task with no future to carry it (or of a periodic one) to the loop thread's handler. */
    void reportUncaught(Runnable task, Throwable failure) {
        // Never swallow: the thread's handler (by default the one that prints the stack trace) sees it.
        Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
        try {
            handler.uncaughtException(thread, failure);
        } catch (Throwable ignored) {
            failure.printStackTrace();
        }
    }

    /** Puts a periodic task back with its next deadline; called on the loop thread, by the task itself. */
    void reschedule(ScheduledTask<?> task) {
        // Also while shutting down: the loop stops before the next run, and terminate() hands the task back.
        scheduled.add(task);
    }

    private void terminate() {
        state = TERMINATED;
        List<Runnable> unrun = new ArrayList<>();
        for (QueuedTask queued : ready) {
            unrun.add(queued.task);
        }
        ready.clear();
        QueuedTask queued;
        while ((queued = inbox.poll()) != null) {
            if (queued.task instanceof InternalTask) {
                ((InternalTask) queued.task).runOnce();
            } else {
                unrun.add(queued.task);
            }
        }
        ScheduledTask<?> task;
        while ((task = scheduled.poll()) != null) {
            if (!task.isDone()) {
                unrun.add(task);
            }
        }
        pendingWork.set(0);
        clock.detach(this);
        ThreadPoolExecutor pool = offloadPool;
        if (pool != null) {
            pool.shutdown();
        }
        boolean handToCaller;
        synchronized (closeLock) {
            handToCaller = callerAwaitsUnrun;
            if (handToCaller) {
                unrunForCaller = unrun;
            }
        }
        terminated.countDown();
        if (!handToCaller && !unrun.isEmpty()) {
            cancelAll(unrun);
            onUnrunTasks.accept(List.copyOf(unrun));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Shutting down

    /** Stops accepting tasks; queued work is handled by the {@link ClosePolicy}. Does not wait. */
    @Override
    public void shutdown() {
        if (state == RUNNING) {
            if (closePolicy == ClosePolicy.CANCEL_QUEUED) {
                cancelQueued = true;
            }
            state = SHUTTING_DOWN;
        }
        wakeUp();
    }

    /**
     * Stops accepting tasks, interrupts the running task, and returns the tasks that never started, as
     * {@link java.util.concurrent.ExecutorService#shutdownNow()} does: they are not cancelled, so the caller may run
     * them elsewhere. From any thread but the loop's own, waits up to the close timeout for the loop to stop.
     */
    @Override
    public List<Runnable> shutdownNow() {
        if (inEventLoop()) {
            cancelQueued = true;
            state = state == TERMINATED ? TERMINATED : SHUTTING_DOWN;
            List<Runnable> unrun = new ArrayList<>();
            drainInbox();
            for (QueuedTask queued : ready) {
                unrun.add(queued.task);
            }
            ready.clear();
            unrun.addAll(scheduled);
            scheduled.clear();
            return unrun;
        }
        synchronized (closeLock) {
            callerAwaitsUnrun = true;
        }
        cancelQueued = true;
        shutdown();
        thread.interrupt();
        return awaitUnrun("shutdownNow");
    }

    /**
     * Stops accepting tasks, lets the loop finish according to its {@link ClosePolicy}, waits up to the close timeout
     * for it to stop, and returns the tasks that did not run, cancelled so that nobody waits on them forever.
     *
     * @throws IllegalStateException if called on the loop's own thread (it would wait for itself), or if the loop is
     *     still running a task when the close timeout expires; the tasks that do not run are then handed to
     *     {@link EventLoopBuilder#onUnrunTasks(Consumer)} when the loop finally stops
     */
    public List<Runnable> shutdownGracefully() {
        if (inEventLoop()) {
            throw new IllegalStateException("close()/shutdownGracefully() was called on the thread of EventLoop '"
                    + name + "' and would wait for itself. Call shutdown() from the loop, or close it from "
                    + "another thread.");
        }
        synchronized (closeLock) {
            callerAwaitsUnrun = true;
        }
        shutdown();
        List<Runnable> unrun = awaitUnrun("close");
        cancelAll(unrun);
        return unrun;
    }

    /**
     * {@link #shutdownGracefully()}, then hands any tasks that did not run to
     * {@link EventLoopBuilder#onUnrunTasks(Consumer)} (by default, a warning on standard error that lists them).
     */
    @Override
    public void close() {
        if (state == TERMINATED && terminated.getCount() == 0) {
            return;
        }
        List<Runnable> unrun = shutdownGracefully();
        if (!unrun.isEmpty()) {
            onUnrunTasks.accept(List.copyOf(unrun));
        }
    }

    private List<Runnable> awaitUnrun(String operation) {
        boolean stopped;
        try {
            stopped = terminated.await(closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = terminated.getCount() == 0;
        }
        synchronized (closeLock) {
            callerAwaitsUnrun = false;
            if (!stopped) {
                StackTraceElement[] stack = thread.getStackTrace();
                throw new IllegalStateException("EventLoop '" + name + "' did not stop within " + closeTimeout
                        + " after " + operation + "(): its thread is still running a task at "
                        + (stack.length > 0 ? stack[0] : "an unknown place") + ". The tasks that do not run will "
                        + "be handed to onUnrunTasks when it stops. Raise closeTimeout(...) or make the task return.");
            }
            List<Runnable> unrun = unrunForCaller != null ? unrunForCaller : List.of();
            unrunForCaller = null;
            return new ArrayList<>(unrun);
        }
    }

    private static void cancelAll(List<Runnable> tasks) {
        for (Runnable task : tasks) {
            if (task instanceof Future) {
                ((Future<?>) task).cancel(false);
            }
        }
    }

    private void warnAboutUnrunTasks(List<Runnable> unrun) {
        List<Runnable> dropped = new ArrayList<>();
        for (Runnable task : unrun) {
            if (!(task instanceof ScheduledFuture && ((RunnableScheduledFuture<?>) task).isPeriodic())) {
                dropped.add(task);
            }
        }
        if (!dropped.isEmpty()) {
            System.err.println("[loopguard] EventLoop '" + name + "' stopped with " + dropped.size()
                    + " task(s) that never ran and were cancelled: " + dropped + ". Wait for your work before "
                    + "close(), or pass EventLoop.builder().onUnrunTasks(...) to handle them.");
        }
    }

    @Override
    public boolean isShutdown() {
        return state != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Virtual time support (used by VirtualClock)

    /** A scheduled task was cancelled: counted, so that the loop purges cancelled timers once they are many. */
    void scheduledTaskCancelled() {
        cancelledSinceLastPurge.incrementAndGet();
    }

    long publishedNextDeadline() {
        return state == TERMINATED ? NO_DEADLINE : publishedNextDeadline;
    }

    boolean isIdleAt(long virtualNow) {
        return state == TERMINATED || idleAt == virtualNow && pendingWork.get() == 0;
    }

    int pendingWork() {
        return pendingWork.get();
    }

    /** Scheduled tasks still queued, cancelled ones included; call on the loop thread only (tests). */
    int scheduledQueueSize() {
        return scheduled.size();
    }

    void wakeUp() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private ThreadPoolExecutor offloadPool() {
        ThreadPoolExecutor pool = offloadPool;
        if (pool == null) {
            synchronized (this) {
                pool = offloadPool;
                if (pool == null) {
                    AtomicInteger ids = new AtomicInteger();
                    pool = new ThreadPoolExecutor(offloadThreads, offloadThreads, 30, TimeUnit.SECONDS,
                            new ArrayBlockingQueue<>(offloadQueueCapacity), runnable -> {
                                Thread worker = new OffloadThread(this, runnable,
                                        name + "-offload-" + ids.incrementAndGet());
                                worker.setDaemon(true);
                                return worker;
                            });
                    pool.allowCoreThreadTimeOut(true);
                    offloadPool = pool;
                }
            }
        }
        return pool;
    }

    /**
     * A delay in nanoseconds; longer than the clock holds is refused, as long negative (overdue) is run at once.
     * The {@code TimeUnit} overloads keep {@link ScheduledExecutorService}'s contract instead: {@link TimeUnit#toNanos}
     * saturates at the longest delay, which is accepted.
     */
    private static long toNanos(Duration duration, String parameter) {
        Objects.requireNonNull(duration, parameter);
        Durations.requireWithinClock(duration, "EventLoop " + parameter);
        return duration.compareTo(Durations.MAX.negated()) <= 0 ? -Long.MAX_VALUE : duration.toNanos();
    }

    private static long requirePositive(Duration duration, String parameter) {
        Objects.requireNonNull(duration, parameter);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("EventLoop " + parameter + " must be positive, was " + duration);
        }
        return toNanos(duration, parameter);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE - 1 : sum;
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + (state == RUNNING ? "running" : state == SHUTTING_DOWN
                ? "shutting down" : "terminated") + ", clock=" + clock + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The loop's thread; the {@link EventLoopThread} marker is how tools recognize it. */
    private static final class LoopThread extends Thread implements EventLoopThread {
        private final EventLoop loop;

        LoopThread(EventLoop loop, String name) {
            super(name);
            this.loop = loop;
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public void run() {
            loop.runLoop();
        }
    }

    /** A worker of a loop's offload pool: blocking is expected here, and it is not an event-loop thread. */
    private static final class OffloadThread extends Thread {
        private final EventLoop loop;

        OffloadThread(EventLoop loop, Runnable work, String name) {
            super(work, name);
            this.loop = loop;
        }
    }

    private static final class RunnableCallable<T> implements Callable<T> {
        private final Runnable task;
        private final T result;

        RunnableCallable(Runnable task, T result) {
            this.task = task;
            this.result = result;
        }

        @Override
        public T call() {
            task.run();
            return result;
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    /** The future of {@link #submit(Callable)}: running it completes it, unless it was cancelled first. */
    private static final class TaskFuture<T> extends CompletableFuture<T> implements Runnable {
        private final Callable<T> task;

        TaskFuture(Callable<T> task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (isDone()) {
                return;
            }
            try {
                complete(task.call());
            } catch (Throwable t) {
                completeExceptionally(t);
            }
        }

        @Override
        public String toString() {
            return "task " + task + " (" + (isDone() ? "done" : "pending") + ")";
        }
    }
}
