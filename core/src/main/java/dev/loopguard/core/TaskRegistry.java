package dev.loopguard.core;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * Named tasks on an {@link EventLoop} that a person can start, stop, restart and inspect: what MicroPython's
 * {@code aioctl} and {@code aioschedule} give a device, for Java.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>{@link #add(TaskSpec)} registers a task without starting it, under a unique name: adding {@code blink} three
 *       times gives {@code blink}, {@code blink_1}, {@code blink_2}.</li>
 *   <li>{@link #start(String)} schedules its first run (at once, after {@link TaskSpec#startAfter(Duration)}, or at
 *       {@link TaskSpec#startAt(Instant)}); a task that {@link TaskSpec#repeatEvery(Duration) repeats} runs again every
 *       period, start to start, and a repetition that falls due while the previous run is still going is skipped and
 *       counted, never queued.</li>
 *   <li>{@link #stop(String)} cancels the pending run and the running one (an async body's stage is cancelled, a
 *       blocking body is interrupted); the task is {@link TaskState#STOPPED STOPPED} at once, and its
 *       {@link TaskSpec#onStop(Consumer) onStop} callback runs once the body has returned, with the status taken at
 *       the stop.</li>
 *   <li>{@link #restart(String)} stops the task if it is active, then starts it.</li>
 *   <li>Every run's result, or error with its stack trace, and its start, end and runtime are kept; failed runs call
 *       {@link TaskSpec#onError(Consumer) onError}. A callback that throws is recorded as the task's last error.</li>
 *   <li>Misuse throws at the call: an unknown name ({@link IllegalArgumentException} listing the known names),
 *       starting an active task or stopping one that is not active ({@link IllegalStateException} naming the task and
 *       its status).</li>
 * </ul>
 *
 * <p>Times come from the loop's {@link LoopClock} and are shown in the registry's zone (UTC unless set), so that on a
 * {@link VirtualClock} the status text is exactly predictable:
 * <pre>
 * ● blink: status: running since 2026-11-21 11:27:11; 38 s ago
 * ● blink: status: done @ 2026-11-21 11:27:49; 3 s ago --&gt; result: 42
 * </pre>
 *
 * <p>All methods may be called from any thread. Bodies and callbacks run as their {@link TaskSpec} says: async bodies
 * and callbacks on the loop thread, blocking bodies on its offload workers.
 */
public final class TaskRegistry {

    private final EventLoop loop;
    private final LoopClock clock;
    private final ZoneId zone;
    /** Guarded by itself; insertion order is the order tasks were added. */
    private final Map<String, Task> tasks = new LinkedHashMap<>();

    private TaskRegistry(EventLoop loop, ZoneId zone) {
        this.loop = loop;
        this.clock = loop.clock();
        this.zone = zone;
    }

    /** A registry on {@code loop} that shows times in UTC. */
    public static TaskRegistry on(EventLoop loop) {
        return new TaskRegistry(Objects.requireNonNull(loop, "loop"), ZoneOffset.UTC);
    }

    /** A registry on {@code loop} that shows times in {@code zone}. */
    public static TaskRegistry on(EventLoop loop, ZoneId zone) {
        return new TaskRegistry(Objects.requireNonNull(loop, "loop"), Objects.requireNonNull(zone, "zone"));
    }

    /** The zone in which status lines show times. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Adds a task, not started. If the spec's name is taken, the first free of {@code name_1}, {@code name_2}, ...
     * is used.
     *
     * @return the name the task got
     */
    public String add(TaskSpec<?> spec) {
        Objects.requireNonNull(spec, "task spec");
        synchronized (tasks) {
            String name = spec.name;
            for (int suffix = 1; tasks.containsKey(name); suffix++) {
                name = spec.name + "_" + suffix;
            }
            tasks.put(name, new Task(name, spec));
            return name;
        }
    }

    /** The names of all tasks, in the order they were added. */
    public List<String> names() {
        synchronized (tasks) {
            return List.copyOf(tasks.keySet());
        }
    }

    /**
     * Removes a task that is not active.
     *
     * @throws IllegalStateException if it is scheduled or running; stop it first
     */
    public void remove(String name) {
        Task task = task(name);
        synchronized (tasks) {
            synchronized (task) {
                if (task.state.isActive()) {
                    throw new IllegalStateException("task '" + name + "' cannot be removed while it is "
                            + task.state + "; stop(\"" + name + "\") it first");
                }
                tasks.remove(name);
            }
        }
    }

    /**
     * Schedules the task's first run.
     *
     * @throws IllegalStateException if it is already scheduled or running (use {@link #restart(String)}), or the loop
     *     is shut down
     * @throws IllegalArgumentException if no task has that name
     */
    public void start(String name) {
        Task task = task(name);
        synchronized (task) {
            if (task.state.isActive()) {
                throw new IllegalStateException("task '" + name + "' cannot be started: it is already "
                        + task.state + " (" + snapshot(task).render(zone, false) + "); use restart(\"" + name
                        + "\") to run it again from the start");
            }
            startLocked(task);
        }
    }

    /**
     * Stops the task: cancels its pending run and its running body. The task is {@link TaskState#STOPPED STOPPED}
     * when this returns.
     *
     * @return completes, on the loop, once the body has returned and {@code onStop} has run, with the status then
     * @throws IllegalStateException if the task is not scheduled or running (never started, or already over)
     * @throws IllegalArgumentException if no task has that name
     */
    public CompletableFuture<TaskStatus> stop(String name) {
        Task task = task(name);
        Stopped stopped;
        synchronized (task) {
            if (task.state == TaskState.ADDED) {
                throw new IllegalStateException("task '" + name + "' cannot be stopped: it was never started; stop "
                        + "applies only to a SCHEDULED or RUNNING task. Call start(\"" + name + "\") first.");
            }
            if (!task.state.isActive()) {
                throw new IllegalStateException("task '" + name + "' cannot be stopped: it is not active ("
                        + snapshot(task).render(zone, false) + "); stop applies only to a SCHEDULED or RUNNING task");
            }
            stopped = stopLocked(task);
        }
        return afterStop(task, stopped);
    }

    /**
     * Stops the task if it is active, then starts it again from its schedule.
     *
     * @return completes once the stopped body (if any) has returned and {@code onStop} has run
     * @throws IllegalArgumentException if no task has that name
     */
    public CompletableFuture<TaskStatus> restart(String name) {
        Task task = task(name);
        Stopped stopped = null;
        synchronized (task) {
            if (task.state.isActive()) {
                stopped = stopLocked(task);
            }
            startLocked(task);
        }
        return stopped == null ? CompletableFuture.completedFuture(status(name)) : afterStop(task, stopped);
    }

    /** A snapshot of the task now. */
    public TaskStatus status(String name) {
        Task task = task(name);
        synchronized (task) {
            return snapshot(task);
        }
    }

    /** The result of the task's latest successful run; empty if there is none yet or it was {@code null}. */
    public Optional<Object> result(String name) {
        return status(name).result();
    }

    /** The task's latest failure, with its stack trace. */
    public Optional<RecordedFailure> error(String name) {
        return status(name).lastError();
    }

    /** The task's status line (see {@link TaskStatus#render(ZoneId, boolean)}). */
    public String render(String name) {
        return status(name).render(zone, false);
    }

    /** The task's status, in detailed mode when {@code detailed}. */
    public String render(String name, boolean detailed) {
        return status(name).render(zone, detailed);
    }

    /** Every task's status, in the order they were added, separated by newlines. */
    public String renderAll(boolean detailed) {
        List<String> lines = new ArrayList<>();
        for (String name : names()) {
            Task task = existing(name);
            if (task != null) {
                synchronized (task) {
                    lines.add(snapshot(task).render(zone, detailed));
                }
            }
        }
        return String.join("\n", lines);
    }

    @Override
    public String toString() {
        return "TaskRegistry[on " + loop.name() + ", tasks " + names() + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void startLocked(Task task) {
        TaskSpec<?> spec = task.spec;
        Instant now = clock.instant();
        long delay = 0;
        if (spec.startAfter != null) {
            delay = spec.startAfter.toNanos();
        } else if (spec.startAt != null && spec.startAt.isAfter(now)) {
            // The spec keeps startAt within the nanosecond range of the epoch; only a clock set far from the present
            // could put it further away than a long of nanoseconds, and then the run is as late as the clock allows.
            Duration wait = Duration.between(now, spec.startAt);
            delay = wait.compareTo(Durations.MAX) >= 0 ? Long.MAX_VALUE : wait.toNanos();
        }
        TaskState before = task.state;
        long generation = ++task.generation;
        task.state = TaskState.SCHEDULED;
        task.nextDueNanos = clock.nanoTime() + delay;
        task.nextRunAt = now.plusNanos(delay);
        try {
            task.timer = loop.schedule(() -> due(task, generation), Duration.ofNanos(delay));
        } catch (RejectedExecutionException closed) {
            task.state = before;
            task.nextRunAt = null;
            throw new IllegalStateException("task '" + task.name + "' cannot be started: event loop '" + loop.name()
                    + "' no longer accepts work", closed);
        }
    }

    /** Runs on the loop when a run is due. */
    private void due(Task task, long generation) {
        TaskSpec<?> spec = task.spec;
        CompletableFuture<Void> bodyReturned;
        synchronized (task) {
            if (task.generation != generation || !task.state.isActive()) {
                return;
            }
            long now = clock.nanoTime();
            if (spec.repeatEvery != null) {
                long period = spec.repeatEvery.toNanos();
                // Differences only, as with System.nanoTime: the absolute sum of a due time and a long period may
                // wrap around, the time from one to the other never does.
                long late = Math.max(0, now - task.nextDueNanos);
                task.skipped += late / period;
                long wait = period - late % period;
                task.nextDueNanos = now + wait;
                task.nextRunAt = clock.instant().plusNanos(wait);
                task.timer = loop.schedule(() -> due(task, generation), Duration.ofNanos(wait));
            } else {
                task.timer = null;
                task.nextRunAt = null;
            }
            if (task.inflight != null) {
                task.skipped++;
                return;
            }
            task.state = TaskState.RUNNING;
            task.runningSince = clock.instant();
            task.runStartNanos = now;
            task.runs++;
            bodyReturned = new CompletableFuture<>();
            // Published before the body starts, so that a stop arriving while it is being called can wait for it.
            task.bodyReturned = bodyReturned;
        }
        Invocation<?> run = spec.asyncBody != null
                ? Invocation.async(loop, spec.asyncBody, "body of task '" + task.name + "'")
                : Invocation.offloaded(loop, spec.blockingBody);
        run.finished.whenComplete((ignored, error) -> bodyReturned.complete(null));
        boolean superseded;
        synchronized (task) {
            superseded = task.generation != generation;
            if (!superseded) {
                task.inflight = run;
            }
        }
        if (superseded) {
            // Stopped while the body was being called, before it could be cancelled: cancel it here.
            run.cancel();
            return;
        }
        run.result.whenComplete((value, error) -> runEnded(task, generation, run, value, error));
    }

    private void runEnded(Task task, long generation, Invocation<?> run, Object value, Throwable error) {
        Consumer<TaskStatus> callback = null;
        TaskStatus status;
        synchronized (task) {
            if (task.inflight == run) {
                task.inflight = null;
            }
            if (task.generation != generation) {
                return;
            }
            boolean repeats = task.spec.repeatEvery != null;
            task.doneAt = clock.instant();
            task.runtime = Duration.ofNanos(clock.nanoTime() - task.runStartNanos);
            if (error == null) {
                task.hasResult = true;
                task.result = value;
                task.state = repeats ? TaskState.SCHEDULED : TaskState.DONE;
            } else {
                task.failures++;
                task.runError = new RecordedFailure(task.doneAt, "run", Invocation.unwrap(error));
                task.lastError = task.runError;
                task.state = repeats ? TaskState.SCHEDULED : TaskState.FAILED;
                callback = task.spec.onError;
            }
            status = snapshot(task);
        }
        if (callback != null) {
            runCallback(task, callback, status, "onError");
        }
    }

    private Stopped stopLocked(Task task) {
        task.generation++;
        if (task.timer != null) {
            task.timer.cancel(false);
            task.timer = null;
        }
        Invocation<?> running = task.inflight;
        CompletableFuture<Void> bodyReturned = task.state == TaskState.RUNNING ? task.bodyReturned : null;
        task.inflight = null;
        Instant now = clock.instant();
        if (task.state == TaskState.RUNNING) {
            task.runtime = Duration.ofNanos(clock.nanoTime() - task.runStartNanos);
        }
        task.state = TaskState.STOPPED;
        task.doneAt = now;
        task.nextRunAt = null;
        if (running != null) {
            running.cancel();
        }
        return new Stopped(bodyReturned, snapshot(task));
    }

    private CompletableFuture<TaskStatus> afterStop(Task task, Stopped stopped) {
        CompletableFuture<TaskStatus> done = new CompletableFuture<>();
        CompletableFuture<Void> bodyReturned = stopped.bodyReturned == null
                ? CompletableFuture.completedFuture(null) : stopped.bodyReturned;
        bodyReturned.whenComplete((ignored, error) -> onLoop(() -> {
            Consumer<TaskStatus> callback = task.spec.onStop;
            if (callback != null) {
                runCallback(task, callback, stopped.atStop, "onStop");
            }
            synchronized (task) {
                done.complete(snapshot(task));
            }
        }));
        return done;
    }

    private void runCallback(Task task, Consumer<TaskStatus> callback, TaskStatus status, String which) {
        try {
            callback.accept(status);
        } catch (Throwable failure) {
            synchronized (task) {
                task.lastError = new RecordedFailure(clock.instant(), which + " callback", failure);
            }
        }
    }

    private void onLoop(Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
            return;
        }
        try {
            loop.execute(action);
        } catch (RejectedExecutionException closed) {
            action.run();
        }
    }

    private TaskStatus snapshot(Task task) {
        Duration runtime = task.state == TaskState.RUNNING
                ? Duration.ofNanos(clock.nanoTime() - task.runStartNanos) : task.runtime;
        return new TaskStatus(task.name, task.state, task.spec, clock.instant(), task.runningSince, task.doneAt,
                runtime, task.nextRunAt, task.hasResult, task.result, task.lastError, task.runError, task.runs,
                task.failures, task.skipped);
    }

    private Task task(String name) {
        Objects.requireNonNull(name, "task name");
        synchronized (tasks) {
            Task task = tasks.get(name);
            if (task == null) {
                throw new IllegalArgumentException("no task named '" + name + "'; known tasks: " + tasks.keySet());
            }
            return task;
        }
    }

    private Task existing(String name) {
        synchronized (tasks) {
            return tasks.get(name);
        }
    }

    /** What a stop left behind: when the cancelled body returns (null if none ran) and the status at the stop. */
    private static final class Stopped {
        final CompletableFuture<Void> bodyReturned;
        final TaskStatus atStop;

        Stopped(CompletableFuture<Void> bodyReturned, TaskStatus atStop) {
            this.bodyReturned = bodyReturned;
            this.atStop = atStop;
        }
    }

    /** One task; mutable fields are guarded by the task itself. */
    private static final class Task {
        final String name;
        final TaskSpec<?> spec;

        TaskState state = TaskState.ADDED;
        /** Incremented at every start and stop, so that timers and completions of an earlier run do nothing. */
        long generation;
        ScheduledFuture<?> timer;
        Invocation<?> inflight;
        /** Completes when the body of the current (or latest) run has returned. */
        CompletableFuture<Void> bodyReturned;
        long nextDueNanos;
        Instant nextRunAt;
        Instant runningSince;
        long runStartNanos;
        Instant doneAt;
        Duration runtime;
        boolean hasResult;
        Object result;
        /** The latest failure of any kind: a run, or a callback. */
        RecordedFailure lastError;
        /** The latest failed run, which a FAILED status line shows even when a callback failed after it. */
        RecordedFailure runError;
        long runs;
        long failures;
        long skipped;

        Task(String name, TaskSpec<?> spec) {
            this.name = name;
            this.spec = spec;
        }
    }
}
