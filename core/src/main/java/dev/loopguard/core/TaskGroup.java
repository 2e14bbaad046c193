package dev.loopguard.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Structured concurrency for asynchronous Java, after Python's {@code asyncio.TaskGroup}: a scope that owns the tasks
 * forked in it, waits for all of them, stops the rest when one fails, reports every failure, and lets no task outlive
 * it.
 *
 * <pre>{@code
 * // Off an event loop: try-with-resources, close() waits.
 * try (TaskGroup group = TaskGroup.open("sensors")) {
 *     CompletableFuture<Reading> a = group.fork(() -> sensorA.read());           // a CompletionStage
 *     CompletableFuture<Reading> b = group.fork(() -> blockingRead("b"), pool);  // a Callable on an executor
 * }   // waits for a and b; throws CompletionException if one failed
 *
 * // On an event loop: never block, chain on joinAsync().
 * TaskGroup group = TaskGroup.open("sensors");
 * group.fork(() -> sensorA.read());
 * group.fork(() -> sensorB.read());
 * group.joinAsync().whenComplete((ok, failure) -> ...);
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Children.</b> {@link #fork(Supplier)} calls the supplier at once on the calling thread and tracks the stage
 *       it returns; {@link #fork(Callable, Executor)} runs the callable on the executor. Both return a
 *       {@link CompletableFuture} <em>handle</em> that completes like the child; cancelling the handle cancels the
 *       child (a stage that is a {@link java.util.concurrent.Future} is cancelled, a running callable is interrupted).
 *       A supplier that throws or returns null, or an executor that rejects the callable, makes a failed child.</li>
 *   <li><b>Failures.</b> A child fails when its work ends with an exception other than a
 *       {@link CancellationException}. The first failure cancels every other child, and from then on {@code fork}
 *       throws {@link IllegalStateException}. Cancellation is not failure: a cancelled child, or one that answers
 *       cancellation with an {@link InterruptedException}, does not count. A child that cannot be stopped (a stage
 *       that is not a {@code Future}, a callable that ignores interruption) and later fails with another exception is
 *       still reported, although its handle already shows it cancelled.</li>
 *   <li><b>Reporting.</b> When the group completes, the first failure is reported and every later one is attached to
 *       it as a {@linkplain Throwable#getSuppressed() suppressed} exception, in the order they happened. It is
 *       reported once: by {@link #joinAsync()}'s stage if one was taken, otherwise by {@link #close()}.</li>
 *   <li><b>Waiting.</b> {@link #joinAsync()} returns a stage that completes when every child has ended, including
 *       children forked (by other children) while waiting. {@link #close()} waits the same way, blocking the calling
 *       thread. When the group has completed it is closed: {@code fork} throws {@link IllegalStateException}.</li>
 *   <li><b>Event loops.</b> Blocking an event-loop thread until children end stalls the loop, and deadlocks when a
 *       child needs that loop to finish. So {@link #close()} on a thread of an {@link EventLoop} does not wait: if
 *       children are still running it cancels them and throws {@link IllegalStateException} naming the thread. Code on
 *       a loop uses {@link #joinAsync()} and may call {@code close()} once that stage has completed.</li>
 *   <li><b>Interruption.</b> If the thread blocked in {@code close()} is interrupted, the group cancels all children,
 *       still waits until each has ended (a callable child ends when its code returns), restores the interrupt flag,
 *       and throws a {@link CancellationException} (or the failure, if a child had failed).</li>
 * </ul>
 *
 * <p>A group is safe to use from many threads: children may be forked from any thread, including from children.
 */
public final class TaskGroup implements AutoCloseable {

    private static final AtomicInteger UNNAMED = new AtomicInteger();

    private enum State { OPEN, JOINING, CLOSED }

    private final String name;
    private final Object lock = new Object();
    /** Completes (with the first failure, others attached) when the group has been joined and every child ended. */
    private final CompletableFuture<Void> completion = new CompletableFuture<>();

    // Guarded by lock.
    private State state = State.OPEN;
    private String shutdownReason;
    private final Set<Child<?>> active = new LinkedHashSet<>();
    private final List<Throwable> failures = new ArrayList<>();
    private boolean failureReported;

    private TaskGroup(String name) {
        this.name = name;
    }

    /** An open group named {@code task-group-N}. */
    public static TaskGroup open() {
        return new TaskGroup("task-group-" + UNNAMED.incrementAndGet());
    }

    /** An open group; {@code name} (not blank) appears in every message the group produces. */
    public static TaskGroup open(String name) {
        Objects.requireNonNull(name, "TaskGroup name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("TaskGroup name must not be blank, was '" + name + "'");
        }
        return new TaskGroup(name);
    }

    /** The group's name. */
    public String name() {
        return name;
    }

    /**
     * Forks a child: calls {@code child} now, on this thread, and tracks the stage it returns.
     *
     * @return a handle that completes like the child; cancelling it cancels the child
     * @throws IllegalStateException if the group is closed or shutting down after a failure or {@link #cancel()}
     */
    public <T> CompletableFuture<T> fork(Supplier<? extends CompletionStage<T>> child) {
        Objects.requireNonNull(child, "TaskGroup fork child");
        StageChild<T> forked = new StageChild<>(this, child);
        register(forked);
        forked.start();
        return forked.handle;
    }

    /**
     * Forks a child that runs {@code child} on {@code executor}. Cancelling the child before it starts keeps it from
     * running; cancelling it while it runs interrupts its thread, and the group counts it as running until the
     * callable returns.
     *
     * @return a handle that completes like the child; cancelling it cancels the child
     * @throws IllegalStateException if the group is closed or shutting down after a failure or {@link #cancel()}
     */
    public <T> CompletableFuture<T> fork(Callable<? extends T> child, Executor executor) {
        Objects.requireNonNull(child, "TaskGroup fork child");
        Objects.requireNonNull(executor, "TaskGroup fork executor");
        CallableChild<T> forked = new CallableChild<>(this, child);
        register(forked);
        forked.start(executor);
        return forked.handle;
    }

    /**
     * Cancels every running child and refuses new ones. This is not a failure: unless a child had already failed,
     * the group then completes normally. Calling it again has no effect.
     */
    public void cancel() {
        shutDown("cancel() was called");
    }

    /**
     * A stage that completes when every child has ended: normally if none failed, otherwise with the first failure
     * (the others attached as suppressed). Children may still be forked until then. Cancelling the returned stage
     * cancels the group. Each call returns a new stage that completes alike.
     */
    public CompletableFuture<Void> joinAsync() {
        synchronized (lock) {
            // The stage taken here reports the failure; close() must not report it a second time.
            failureReported = true;
        }
        beginJoin();
        CompletableFuture<Void> view = new CompletableFuture<>();
        completion.whenComplete((ignored, failure) -> {
            if (failure == null) {
                view.complete(null);
            } else {
                view.completeExceptionally(failure);
            }
        });
        view.whenComplete((ignored, failure) -> {
            if (view.isCancelled()) {
                cancel();
            }
        });
        return view;
    }

    /**
     * Waits until every child has ended, then closes the group. See the class documentation for the rules on event
     * loops and interruption.
     *
     * @throws CompletionException if a child failed and the failure was not already reported by
     *         {@link #joinAsync()}; its cause is the first failure, the others attached to the cause as suppressed
     * @throws IllegalStateException if called on an event-loop thread while children are still running
     * @throws CancellationException if the waiting thread was interrupted (the children were cancelled)
     */
    @Override
    public void close() {
        Optional<EventLoop> loop = EventLoop.current();
        if (loop.isPresent()) {
            closeWithoutBlocking(loop.get());
        } else {
            closeBlocking();
        }
    }

    private void closeWithoutBlocking(EventLoop loop) {
        int running;
        boolean completeNow = false;
        synchronized (lock) {
            running = active.size();
            if (running == 0 && state != State.CLOSED) {
                state = State.CLOSED;
                completeNow = true;
            } else if (running > 0) {
                state = State.JOINING;
                if (shutdownReason == null) {
                    shutdownReason = "close() was called on event loop thread '"
                            + Thread.currentThread().getName() + "'";
                }
            }
        }
        if (running == 0) {
            if (completeNow) {
                complete();
            }
            throwUnreportedFailure(false);
            return;
        }
        IllegalStateException refused = new IllegalStateException("TaskGroup '" + name + "': close() was called on "
                + "event loop thread '" + Thread.currentThread().getName() + "' (loop '" + loop.name() + "') while "
                + running + " child task(s) were still running. Blocking this thread would stall the loop, and "
                + "deadlock if a child needs the loop, so the children were cancelled instead. On an event loop, "
                + "chain on group.joinAsync() and call close() after it completes, or close the group from a thread "
                + "that is not an event loop.");
        shutDown("close() was called on event loop thread '" + Thread.currentThread().getName() + "'");
        synchronized (lock) {
            if (!failureReported) {
                AsyncFailures.attach(refused, failures);
                failureReported = true;
            }
        }
        throw refused;
    }

    private void closeBlocking() {
        beginJoin();
        boolean interrupted = false;
        while (true) {
            try {
                completion.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                shutDown("the thread waiting in close(), '" + Thread.currentThread().getName()
                        + "', was interrupted");
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwUnreportedFailure(interrupted);
    }

    private void throwUnreportedFailure(boolean interrupted) {
        Throwable first;
        int others;
        synchronized (lock) {
            if (failures.isEmpty() || failureReported) {
                first = null;
                others = 0;
            } else {
                failureReported = true;
                first = failures.get(0);
                others = failures.size() - 1;
            }
        }
        if (first != null) {
            throw new CompletionException("TaskGroup '" + name + "': a child failed: " + first
                    + (others == 0 ? "" : " (" + others + " later failure(s) attached to it as suppressed)"), first);
        }
        if (interrupted) {
            throw new CancellationException("TaskGroup '" + name + "': the thread waiting in close() was "
                    + "interrupted; all children were cancelled and have ended");
        }
    }

    private void register(Child<?> child) {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("TaskGroup '" + name + "' is closed: every child has ended and no "
                        + "new child may start. Fork children before close() or joinAsync() completes, or open a "
                        + "new group.");
            }
            if (shutdownReason != null) {
                throw new IllegalStateException("TaskGroup '" + name + "' is shutting down because "
                        + shutdownReason + "; it cancelled its children and starts no new ones.");
            }
            active.add(child);
        }
    }

    private void beginJoin() {
        boolean completeNow;
        synchronized (lock) {
            if (state == State.OPEN) {
                state = State.JOINING;
            }
            completeNow = state == State.JOINING && active.isEmpty();
            if (completeNow) {
                state = State.CLOSED;
            }
        }
        if (completeNow) {
            complete();
        }
    }

    /** Called exactly once per child, when it has ended; {@code failure} is null unless the child counts as failed. */
    private void ended(Child<?> child, Throwable failure) {
        List<Child<?>> toCancel = List.of();
        boolean completeNow;
        synchronized (lock) {
            active.remove(child);
            if (failure != null) {
                failures.add(failure);
                if (shutdownReason == null) {
                    shutdownReason = "a child failed with " + failure;
                    toCancel = new ArrayList<>(active);
                }
            }
            completeNow = state == State.JOINING && active.isEmpty();
            if (completeNow) {
                state = State.CLOSED;
            }
        }
        toCancel.forEach(Child::cancel);
        if (completeNow) {
            complete();
        }
    }

    private void shutDown(String reason) {
        List<Child<?>> toCancel;
        synchronized (lock) {
            if (shutdownReason == null) {
                shutdownReason = reason;
            }
            toCancel = new ArrayList<>(active);
        }
        toCancel.forEach(Child::cancel);
    }

    private void complete() {
        Throwable first;
        synchronized (lock) {
            first = failures.isEmpty() ? null : AsyncFailures.attach(failures.get(0), failures.subList(1, failures.size()));
        }
        if (first == null) {
            completion.complete(null);
        } else {
            completion.completeExceptionally(first);
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "TaskGroup[" + name + ", " + state + ", running=" + active.size() + ", failures=" + failures.size()
                    + (shutdownReason == null ? "" : ", shutting down because " + shutdownReason) + "]";
        }
    }

    /** A tracked child; {@link #handle} is what {@code fork} returned. */
    private abstract static class Child<T> {
        final TaskGroup group;
        final CompletableFuture<T> handle = new CompletableFuture<>();

        Child(TaskGroup group) {
            this.group = group;
            handle.whenComplete((value, error) -> {
                if (handle.isCancelled()) {
                    stopWork();
                }
            });
        }

        void cancel() {
            handle.cancel(true);
        }

        /** Stops the child's work after its handle was cancelled. */
        abstract void stopWork();

        /**
         * Completes the handle with {@code error} (a no-op if it was cancelled) and tells whether the child failed.
         * Cancellation is not failure: neither a {@link CancellationException} nor an {@link InterruptedException}
         * thrown after the child was cancelled counts. Any other error counts even after cancellation, because a
         * child that could not be stopped and then broke must not go unreported.
         */
        boolean failHandle(Throwable error) {
            handle.completeExceptionally(error);
            return !(error instanceof CancellationException)
                    && !(handle.isCancelled() && error instanceof InterruptedException);
        }
    }

    private static final class StageChild<T> extends Child<T> {
        private final Supplier<? extends CompletionStage<T>> supplier;
        private volatile CompletionStage<T> source;

        StageChild(TaskGroup group, Supplier<? extends CompletionStage<T>> supplier) {
            super(group);
            this.supplier = supplier;
        }

        void start() {
            if (handle.isDone()) {
                // Cancelled between register() and here (a sibling failed): do not start it at all.
                group.ended(this, null);
                return;
            }
            CompletionStage<T> stage;
            try {
                stage = supplier.get();
                if (stage == null) {
                    throw new NullPointerException("TaskGroup '" + group.name + "': fork supplier returned null "
                            + "instead of a CompletionStage");
                }
            } catch (Throwable error) {
                group.ended(this, failHandle(error) ? error : null);
                return;
            }
            source = stage;
            stage.whenComplete((value, rawError) -> {
                Throwable failure = null;
                if (rawError == null) {
                    handle.complete(value);
                } else {
                    Throwable error = AsyncFailures.unwrap(rawError);
                    failure = failHandle(error) ? error : null;
                }
                group.ended(this, failure);
            });
            if (handle.isCancelled()) {
                // Cancelled while the supplier ran; stopWork() could not see the stage yet.
                AsyncFailures.cancel(stage);
            }
        }

        @Override
        void stopWork() {
            CompletionStage<T> stage = source;
            if (stage != null) {
                AsyncFailures.cancel(stage);
            }
        }
    }

    private static final class CallableChild<T> extends Child<T> implements Runnable {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int ENDED = 2;

        private final Callable<? extends T> callable;
        private final AtomicInteger phase = new AtomicInteger(NEW);
        // Guarded by this: interrupting must not reach the thread after it has moved on to other work.
        private Thread runner;
        private boolean interrupted;

        CallableChild(TaskGroup group, Callable<? extends T> callable) {
            super(group);
            this.callable = callable;
        }

        void start(Executor executor) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException rejected) {
                if (phase.compareAndSet(NEW, ENDED)) {
                    group.ended(this, failHandle(rejected) ? rejected : null);
                }
            }
        }

        @Override
        public void run() {
            if (!phase.compareAndSet(NEW, RUNNING)) {
                return;
            }
            synchronized (this) {
                runner = Thread.currentThread();
            }
            Throwable failure = null;
            try {
                if (!handle.isDone()) {
                    handle.complete(callable.call());
                }
            } catch (Throwable error) {
                failure = failHandle(error) ? error : null;
            } finally {
                synchronized (this) {
                    runner = null;
                    if (interrupted) {
                        // The interrupt was ours, aimed at this child; do not leak it into the executor's next task.
                        Thread.interrupted();
                    }
                }
                phase.set(ENDED);
                group.ended(this, failure);
            }
        }

        @Override
        void stopWork() {
            if (phase.compareAndSet(NEW, ENDED)) {
                // Never started, and now never will: it has ended.
                group.ended(this, null);
                return;
            }
            synchronized (this) {
                if (runner != null) {
                    interrupted = true;
                    runner.interrupt();
                }
            }
        }
    }
}
